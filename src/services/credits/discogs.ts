import axios from 'axios';
import { deadlineError, UpstreamError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { Performance } from './aggregate.ts';
import { toUpstreamError } from '../http-errors.ts';
import { normalize, similarity } from '../library/text-match.ts';

/**
 * Discogs as the fallback for credits: release `extraartists` (and per-track ones) whose roles name
 * instruments, normalised to the same shape as MusicBrainz performances (api-facts §4).
 */

export interface DiscogsCredits {
  releaseId: number;
  title: string;
  trackCount: number;
  leaders: string[];
  performances: Performance[];
}

export interface DiscogsService {
  /** The best release for artist + title (needs DISCOGS_TOKEN: search requires authentication), or null. */
  searchRelease(artist: string, title: string): Promise<number | null>;
  releaseCredits(releaseId: number): Promise<DiscogsCredits | null>;
}

const RATE_LIMIT_RETRIES = 3;
const BACKOFF_MS = 2000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isPublicDiscogs(url: string): boolean {
  return new URL(url).hostname === 'api.discogs.com';
}

/** Roles that credit work on the record rather than playing on it. */
const NOT_PLAYING =
  /\b(by|producer|engineer|design|photograph|liner|notes|artwork|lacquer|master|mix|recorded|written|composed|lyrics|arranged|management|coordinator|direction|executive|supervised|compiled|edited|programm|copyright|published|transfer|remaster|technician|a&r|cover|layout|illustration|painting|sleeve|concept|booking|legal|crew|tour)/i;

type Credit = { name: string; anv?: string; role: string; tracks?: string; id?: number };
type Row = { position?: string; type_?: string; extraartists?: Credit[]; sub_tracks?: Row[] };
type Release = { id: number; title: string; artists?: Credit[]; extraartists?: Credit[]; tracklist?: Row[] };

/** "Bass Guitar, Vocals [Backing]" → ["Bass Guitar", "Vocals [Backing]"]: commas inside brackets stay. */
export function splitRoles(role: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of role) {
    if (c === '[') depth++;
    if (c === ']') depth = Math.max(0, depth - 1);
    if (c === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += c;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** "Bass [Double Bass]" → "double bass"; "Vocals [Chant]" → "chant"; "Saxophone [Tenor]" → "tenor saxophone". */
export function instrumentOf(role: string): string {
  const detail = /^(.*?)\s*\[(.+)\]$/.exec(role);
  if (!detail) return role;
  const [, base = '', inner = ''] = detail;
  if (/^(tenor|alto|baritone|soprano|bass|electric|acoustic|upright|double)$/i.test(inner))
    return `${inner} ${base}`;
  return inner;
}

/** Discogs disambiguates names with " (2)" and sorts with "X, The": credit the name as people read it. */
export function displayName(credit: Credit): string {
  const name = (credit.anv || credit.name).replace(/\s*\(\d+\)$/, '');
  const article = /^(.*), (The|A|An)$/.exec(name);
  return article ? `${article[2]} ${article[1]}` : name;
}

/** Track numbers a `tracks` scope names ("A1 to B2", "A1, A3", "CD1-1 - CD1-6"), given playable positions in order. */
export function scopeTracks(scope: string, positions: readonly string[]): number[] | null {
  if (!scope.trim()) return null;
  const numbers = new Set<number>();
  for (const part of scope.split(',')) {
    const range = /^\s*(.+?)\s+(?:to|-)\s+(.+?)\s*$/.exec(part);
    const from = positions.indexOf((range?.[1] ?? part).trim());
    const to = range ? positions.indexOf((range[2] as string).trim()) : from;
    if (from === -1 || to === -1) continue;
    for (let i = Math.min(from, to); i <= Math.max(from, to); i++) numbers.add(i + 1);
  }
  return [...numbers];
}

function playable(rows: readonly Row[]): Row[] {
  return rows.flatMap((row) =>
    row.type_ === 'index' ? (row.sub_tracks ?? []) : row.type_ && row.type_ !== 'track' ? [] : [row],
  );
}

function credits(credit: Credit, tracks: Array<number | null>): Performance[] {
  const out: Performance[] = [];
  for (const role of splitRoles(credit.role)) {
    if (NOT_PLAYING.test(role)) continue;
    const instrument = instrumentOf(role);
    const kind = /vocal|voice|chant|choir/i.test(role) ? 'vocal' : 'instrument';
    for (const track of tracks)
      out.push({
        personId: `discogs:${credit.id ?? displayName(credit)}`,
        name: displayName(credit),
        instrument,
        kind,
        track,
      });
  }
  return out;
}

export function creditsFromRelease(release: Release): DiscogsCredits {
  const rows = playable(release.tracklist ?? []);
  const positions = rows.map((r) => r.position ?? '');
  const performances: Performance[] = [];
  for (const credit of release.extraartists ?? []) {
    performances.push(...credits(credit, scopeTracks(credit.tracks ?? '', positions) ?? [null]));
  }
  rows.forEach((row, i) => {
    for (const credit of row.extraartists ?? []) performances.push(...credits(credit, [i + 1]));
  });
  const leaders = (release.artists ?? []).map((a) => `discogs:${a.id ?? displayName(a)}`);
  return { releaseId: release.id, title: release.title, trackCount: rows.length, leaders, performances };
}

export function createDiscogsService(options: {
  url: string;
  token: string | undefined;
  userAgent: string;
  timeoutMs: number;
  logger: Logger;
}): DiscogsService {
  const logger = options.logger.child({ svc: 'discogs' });
  // One deadline per request (a signal, below) rather than axios's `timeout`, an idle timer that a body
  // dripping a byte at a time never trips.
  const http = axios.create({
    baseURL: options.url,
    headers: {
      'User-Agent': options.userAgent,
      ...(options.token ? { Authorization: `Discogs token=${options.token}` } : {}),
    },
  });
  // The public API allows 60 requests/min with a token and 25 without: keep under it on our side. A proxy or
  // a local fake (DISCOGS_URL elsewhere) sets its own limits.
  const spacingMs = isPublicDiscogs(options.url) ? (options.token ? 1000 : 2400) : 0;
  let nextSlot = 0;
  const pace = async () => {
    const now = Date.now();
    const wait = nextSlot - now;
    nextSlot = Math.max(now, nextSlot) + spacingMs;
    if (wait > 0) await sleep(wait);
  };

  async function get<T>(path: string, params: Record<string, string | number> = {}): Promise<T | null> {
    for (let attempt = 1; ; attempt++) {
      await pace();
      const deadline = AbortSignal.timeout(options.timeoutMs);
      try {
        return (await http.get<T>(path, { params, signal: deadline })).data;
      } catch (error) {
        const mapped = deadline.aborted
          ? deadlineError('discogs', options.timeoutMs)
          : toUpstreamError('discogs', error);
        if (mapped.kind === 'not_found') return null;
        if (mapped.status === 429 && attempt < RATE_LIMIT_RETRIES) {
          // Back off as Discogs asks (its window is a moving minute), then try again.
          const retryAfter = Number(
            (error as { response?: { headers?: Record<string, string> } }).response?.headers?.['retry-after'],
          );
          await sleep(
            Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : BACKOFF_MS * attempt,
          );
          continue;
        }
        throw failure(path, mapped);
      }
    }
  }

  function failure(path: string, mapped: UpstreamError): UpstreamError {
    logger.warn(
      { path: path.replace(/\d+/g, ':id'), kind: mapped.kind, status: mapped.status },
      'discogs call failed',
    );
    return mapped.status === 429 ? new UpstreamError('discogs', 'timeout', 'rate limited', 429) : mapped;
  }

  return {
    async searchRelease(artist, title) {
      if (!options.token) return null; // Discogs refuses search without a token.
      type Found = { results?: Array<{ id: number; title: string; type?: string }> };
      const found = await get<Found>('/database/search', {
        type: 'release',
        artist,
        release_title: title,
        per_page: 10,
      });
      const want = normalize(`${artist} ${title}`);
      const best = (found?.results ?? [])
        .map((r) => ({ id: r.id, score: similarity(normalize(r.title), want) }))
        .sort((a, b) => b.score - a.score)[0];
      return best && best.score >= 0.6 ? best.id : null;
    },
    async releaseCredits(releaseId) {
      const release = await get<Release>(`/releases/${releaseId}`);
      return release?.id ? creditsFromRelease(release) : null;
    },
  };
}
