import { PlexServer } from '@ctrl/plex';
import { UpstreamError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { identityContainer, itemContainer, parseItems, sectionContainer } from './plex-schema.ts';
import type { PlexItem } from './plex-schema.ts';

export type { PlexItem } from './plex-schema.ts';
export { musicBrainzId } from './plex-schema.ts';

export interface PlexOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  logger: Logger;
}

/** Plex metadata type numbers (python-plexapi utils.SEARCHTYPES). */
export const PLEX_TYPE = { artist: 8, album: 9, track: 10 } as const;
export type PlexType = (typeof PLEX_TYPE)[keyof typeof PLEX_TYPE];

/** Items per request when walking a whole library: big pages, few round trips, bounded memory per page. */
export const PAGE_SIZE = 5000;

export interface MusicSection {
  id: string;
  title: string;
}

export interface PlexService {
  identity(): Promise<{ machineIdentifier: string; version: string; friendlyName?: string }>;
  musicSections(): Promise<MusicSection[]>;
  /**
   * Every item of one type in a section, page by page (`X-Plex-Container-Start/Size`). `filters` are Plex
   * filters as [field with operator, value], e.g. `['userRating>=', '8']`; Plex ignores unknown fields.
   */
  listSection(
    sectionId: string,
    type: PlexType,
    options?: { filters?: ReadonlyArray<readonly [string, string]>; onPage?: (items: PlexItem[]) => void },
  ): Promise<PlexItem[]>;
  /** One item with its Guids, or null when Plex does not know the key. */
  metadata(ratingKey: string): Promise<PlexItem | null>;
  /** Albums of an artist, tracks of an album (`/children`; the album filter of @ctrl/plex is ignored by Plex). */
  children(ratingKey: string): Promise<PlexItem[]>;
  /** Every track of an artist or album in one walk (`/allLeaves`, with Guids). */
  allLeaves(ratingKey: string): Promise<PlexItem[]>;
}

const KEY = /^\d{1,12}$/;

function requireKey(ratingKey: string): string {
  if (!KEY.test(ratingKey)) throw new UpstreamError('plex', 'not_found', 'not a rating key');
  return ratingKey;
}

/**
 * Maps ofetch failures (what @ctrl/plex uses) to UpstreamError kinds. Only the status and error codes are
 * kept: the request URL can carry the token.
 */
export function toPlexError(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const e = error as {
    name?: string;
    status?: number;
    cause?: { name?: string; code?: string; cause?: { code?: string } };
  };
  const status = e?.status;
  if (typeof status === 'number' && status > 0) {
    if (status === 401 || status === 403)
      return new UpstreamError('plex', 'unauthorized', `HTTP ${status}`, status);
    if (status === 404) return new UpstreamError('plex', 'not_found', `HTTP ${status}`, status);
    if (status === 408 || status === 504)
      return new UpstreamError('plex', 'timeout', `HTTP ${status}`, status);
    return new UpstreamError('plex', 'bad_response', `HTTP ${status}`, status);
  }
  const cause = e?.cause;
  if (cause?.name === 'TimeoutError' || cause?.name === 'AbortError' || e?.name === 'TimeoutError') {
    return new UpstreamError('plex', 'timeout', 'timed out');
  }
  const code = cause?.code ?? cause?.cause?.code;
  if (code || e?.name === 'FetchError')
    return new UpstreamError('plex', 'unreachable', code ?? 'fetch failed');
  return new UpstreamError('plex', 'bad_response', error instanceof Error ? error.name : 'unknown failure');
}

export function createPlexService(options: PlexOptions): PlexService {
  const logger = options.logger.child({ svc: 'plex' });
  const server = new PlexServer(options.baseUrl, options.token, options.timeoutMs);

  async function get(path: string): Promise<unknown> {
    const started = performance.now();
    try {
      const body: unknown = await server.query(path);
      logger.debug({ path: path.split('?')[0], ms: Math.round(performance.now() - started) }, 'plex call');
      return body;
    } catch (error) {
      const mapped = toPlexError(error);
      logger.warn({ path: path.split('?')[0], kind: mapped.kind, status: mapped.status }, 'plex call failed');
      throw mapped;
    }
  }

  function parse<T>(
    schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
    body: unknown,
    what: string,
  ): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new UpstreamError('plex', 'bad_response', `${what}: unexpected body`);
    return parsed.data;
  }

  /** Walks a paged list endpoint until Plex's totalSize is reached. */
  async function paged(
    path: string,
    params: URLSearchParams,
    options: {
      filters?: ReadonlyArray<readonly [string, string]>;
      onPage?: (items: PlexItem[]) => void;
    } = {},
  ): Promise<PlexItem[]> {
    // Operators live in the key (`userRating>=8`, `userRating>>=8`) and Plex reads them unencoded.
    const filters = (options.filters ?? [])
      .map(([field, value]) => `&${field}${encodeURIComponent(value)}`)
      .join('');
    const all: PlexItem[] = [];
    for (let start = 0; ; start += PAGE_SIZE) {
      params.set('X-Plex-Container-Start', String(start));
      params.set('X-Plex-Container-Size', String(PAGE_SIZE));
      const container = parse(itemContainer, await get(`${path}?${params}${filters}`), path).MediaContainer;
      const raw = container.Metadata ?? [];
      const items = parseItems(raw);
      options.onPage?.(items);
      all.push(...items);
      const total = container.totalSize ?? container.size ?? raw.length;
      if (raw.length < PAGE_SIZE || start + raw.length >= total) return all;
    }
  }

  return {
    async identity() {
      return parse(identityContainer, await get('/identity'), 'identity').MediaContainer;
    },
    async musicSections() {
      const { Directory } = parse(
        sectionContainer,
        await get('/library/sections'),
        'sections',
      ).MediaContainer;
      return Directory.filter((d) => d.type === 'artist').map((d) => ({ id: d.key, title: d.title }));
    },
    listSection(sectionId, type, options = {}) {
      const params = new URLSearchParams({ type: String(type), includeGuids: '1' });
      return paged(`/library/sections/${requireKey(sectionId)}/all`, params, options);
    },
    async metadata(ratingKey) {
      try {
        const body = parse(
          itemContainer,
          await get(`/library/metadata/${requireKey(ratingKey)}`),
          'metadata',
        );
        return parseItems(body.MediaContainer.Metadata)[0] ?? null;
      } catch (error) {
        if (error instanceof UpstreamError && error.kind === 'not_found') return null;
        throw error;
      }
    },
    async children(ratingKey) {
      return paged(
        `/library/metadata/${requireKey(ratingKey)}/children`,
        new URLSearchParams({ includeGuids: '1' }),
      );
    },
    async allLeaves(ratingKey) {
      return paged(
        `/library/metadata/${requireKey(ratingKey)}/allLeaves`,
        new URLSearchParams({ includeGuids: '1' }),
      );
    },
  };
}
