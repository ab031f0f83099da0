import type { Logger } from '../../logger.ts';

/**
 * Album and artist art for the image cards, from Plex's photo transcoder at card size: a few KB each
 * instead of the full-size original. Kept in a bounded in-memory LRU, fetched a few at a time, and never
 * waited for longer than a card's budget: a late cover keeps loading into the cache for the next card.
 */

export interface CoverService {
  /** One image `size`×`size` (Plex keeps the aspect ratio), or null when missing or failed. Never throws. */
  get(thumb: string, size: number): Promise<Buffer | null>;
  /**
   * Several images, waiting at most `budgetMs` in all: those that arrived in time, by thumb path. Missing,
   * failed and late ones are simply absent (the card draws a placeholder).
   */
  getMany(
    thumbs: ReadonlyArray<string | undefined>,
    size: number,
    budgetMs: number,
  ): Promise<Map<string, Buffer>>;
}

export interface CoverOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  logger: Logger;
  /** Cache bounds: whichever is reached first evicts the least recently used. */
  maxEntries?: number;
  maxBytes?: number;
}

const DEFAULT_MAX_ENTRIES = 500;
const DEFAULT_MAX_BYTES = 24 * 1024 * 1024;
/**
 * Requests in flight at once: a 40-album card should not hit a home server with 40 transcodes at once, yet
 * a few covers Plex is slow to make (art it fetches from the internet first) must not hold up the others.
 */
const PARALLEL = 12;
/** A cover that takes longer is given up (it frees its place in the queue); the card has long gone. */
const COVER_TIMEOUT_MS = 5000;
/** A transcoded thumbnail is tens of KB; anything far bigger is not what we asked for. */
const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
/** Art Plex says it does not have is not asked for again for a while. */
const MISSING_TTL_MS = 10 * 60_000;
/** Plex image paths (`/library/metadata/157/thumb/1627172935`): never a URL to somewhere else. */
const THUMB_PATH = /^\/(?!\/)[\w\-./:%]{1,400}$/;

/** The cover service for a Plex server. */
export function createCoverService(options: CoverOptions): CoverService {
  const logger = options.logger.child({ svc: 'covers' });
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const cache = new Map<string, Buffer>();
  let cachedBytes = 0;
  const missing = new Map<string, number>();
  const inFlight = new Map<string, Promise<Buffer | null>>();
  let active = 0;
  const waiting: Array<() => void> = [];

  function remember(key: string, data: Buffer): void {
    if (data.length > maxBytes) return;
    cache.set(key, data);
    cachedBytes += data.length;
    // Map order is insertion order, and hits re-insert: the first key is the least recently used.
    for (const [oldest, bytes] of cache) {
      if (cache.size <= maxEntries && cachedBytes <= maxBytes) break;
      cache.delete(oldest);
      cachedBytes -= bytes.length;
    }
  }

  async function slot<T>(work: () => Promise<T>): Promise<T> {
    if (active >= PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await work();
    } finally {
      active--;
      waiting.shift()?.();
    }
  }

  /** Fetches one transcoded image; null for anything but a readable image answer. */
  async function download(thumb: string, size: number): Promise<{ data: Buffer | null; missing: boolean }> {
    const params = new URLSearchParams({
      width: String(size),
      height: String(size),
      minSize: '1',
      upscale: '1',
      url: thumb,
    });
    const started = performance.now();
    try {
      // The token goes in a header, never in the URL: URLs end up in logs and error messages.
      const response = await fetch(`${options.baseUrl}/photo/:/transcode?${params}`, {
        headers: { 'X-Plex-Token': options.token, Accept: 'image/*' },
        signal: AbortSignal.timeout(Math.min(options.timeoutMs, COVER_TIMEOUT_MS)),
      });
      const type = response.headers.get('content-type') ?? '';
      const length = Number(response.headers.get('content-length') ?? 0);
      if (response.status !== 200 || !type.startsWith('image/') || length > MAX_IMAGE_BYTES) {
        await response.body?.cancel();
        logger.debug({ thumb, status: response.status, type }, 'cover not available');
        return { data: null, missing: response.status === 404 || response.status === 200 };
      }
      const data = Buffer.from(await response.arrayBuffer());
      logger.debug({ thumb, bytes: data.length, ms: Math.round(performance.now() - started) }, 'cover');
      return { data: data.length > 0 && data.length <= MAX_IMAGE_BYTES ? data : null, missing: false };
    } catch (error) {
      const e = error as { name?: string; cause?: { code?: string } };
      logger.debug({ thumb, kind: e.name, code: e.cause?.code }, 'cover fetch failed');
      return { data: null, missing: false };
    }
  }

  async function get(thumb: string, size: number): Promise<Buffer | null> {
    if (!THUMB_PATH.test(thumb)) return null;
    const key = `${size}:${thumb}`;
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const gone = missing.get(key);
    if (gone !== undefined) {
      if (gone > Date.now()) return null;
      missing.delete(key);
    }
    let pending = inFlight.get(key);
    if (!pending) {
      pending = slot(() => download(thumb, size))
        .then((result) => {
          if (result.data) remember(key, result.data);
          else if (result.missing) {
            if (missing.size >= maxEntries) missing.delete(missing.keys().next().value as string);
            missing.set(key, Date.now() + MISSING_TTL_MS);
          }
          return result.data;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  return {
    get,
    async getMany(thumbs, size, budgetMs) {
      const found = new Map<string, Buffer>();
      const unique = [...new Set(thumbs.filter((t): t is string => Boolean(t)))];
      const jobs = unique.map(async (thumb) => {
        const data = await get(thumb, size);
        if (data) found.set(thumb, data);
      });
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<void>((resolve) => (timer = setTimeout(resolve, budgetMs)));
      await Promise.race([Promise.all(jobs), budget]);
      clearTimeout(timer);
      // A copy: covers arriving after the budget must not change a card already being drawn.
      return new Map(found);
    },
  };
}

/** For a bot without Plex: every cover is missing, at once. */
export const NO_COVERS: CoverService = {
  get: async () => null,
  getMany: async () => new Map(),
};
