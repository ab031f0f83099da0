import axios, { isAxiosError } from 'axios';
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { deadlineError, UpstreamError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { tooLargeError } from '../http-body.ts';
import { toUpstreamError } from '../http-errors.ts';
import { parseActivity } from './activity.ts';
import type { Activity } from './activity.ts';
import { addHistoryPage, HISTORY_PAGE_SIZE, parseHistoryWindow, parseUsers } from './history.ts';
import type { HistoryWindow, PlayCounts, TautulliUser } from './history.ts';

export type { Activity, StreamSession } from './activity.ts';
export type { HistoryRowData, HistoryWindow, PlayCounts, TautulliUser } from './history.ts';

/** Local days (YYYY-MM-DD, both inclusive) limiting a get_history query, in Tautulli's time zone. */
export interface DayRange {
  after?: string;
  before?: string;
}

const IMAGE_CACHE_ENTRIES = 64;
const PLAYS_CACHE_ENTRIES = 32;
export const PLAYS_CACHE_TTL_MS = 60_000;
/**
 * The largest answers taken from Tautulli, by command: a history page of 5,000 rows is a few MB, an activity
 * a few KB per stream; anything else is small. Beyond them axios stops reading (`maxContentLength`).
 */
const MAX_ANSWER_BYTES: Record<string, number> = { get_history: 64 * 1024 * 1024 };
const MAX_OTHER_BYTES = 8 * 1024 * 1024;
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** get_history pages in flight at once: Tautulli serves requests on several threads. */
const HISTORY_PARALLEL_PAGES = 3;

export interface TautulliOptions {
  /** Tautulli's base URL, e.g. http://tower:8181 (with any reverse-proxy path, without /api/v2). */
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  logger: Logger;
}

/** Tautulli wraps every answer: {response: {result: 'success' | 'error', message, data}} (api2.py _api_responds). */
const envelope = z.object({
  response: z.object({
    result: z.string(),
    message: z.string().nullable().optional(),
    data: z.unknown(),
  }),
});

export interface TautulliService {
  /** Current streams and bandwidth totals (`get_activity`). */
  getActivity(): Promise<Activity>;
  /** Stops a stream; the viewer sees `message` (`terminate_session`, Plex Pass required on the server). */
  terminateSession(sessionId: string, message: string): Promise<void>;
  /** An image from Plex through Tautulli's proxy, or null when it has none. Never throws. */
  getImage(img: string, size: { width: number; height: number }): Promise<Buffer | null>;
  /** Plex users Tautulli knows (`get_users`), without the synthetic "Local" user. */
  getUsers(): Promise<TautulliUser[]>;
  /**
   * Track plays of one artist (`grandparent_rating_key`), per user and track, for the given users or
   * everyone. One paged walk of `get_history` (users comma-joined), so the number of requests depends on
   * the number of plays, never on the number of tracks.
   */
  artistPlays(artistKey: string, userIds: readonly string[] | 'all', days?: DayRange): Promise<PlayCounts>;
  /**
   * One window of the music history, ungrouped, oldest first: rows of days `after`..`before` (both
   * inclusive) from `start`, at most `length` (never -1: Tautulli's Python slice would drop the last row).
   */
  historyWindow(days: DayRange, start: number, length: number): Promise<HistoryWindow>;
}

export function createTautulliService(options: TautulliOptions): TautulliService {
  const logger = options.logger.child({ svc: 'tautulli' });
  // No axios `timeout`: it is an idle timer, which a body dripping a byte a second never trips. Each call
  // gets one deadline instead (a signal axios honours until the body is read).
  const http = axios.create({
    baseURL: `${options.baseUrl}/api/v2`,
    params: { apikey: options.apiKey },
    // Envelope errors come with 4xx statuses; they are read below rather than thrown by axios.
    validateStatus: () => true,
  });

  // Art for the streams on screen is asked for again on every Refresh; thumbnails are a few KB each.
  const images = new Map<string, Buffer>();

  // Paging through completion re-asks for the same artist within seconds: keep recent answers briefly.
  const plays = new Map<string, { counts: PlayCounts; at: number }>();

  /** One paged walk of get_history: first page, then the rest a few at a time. */
  async function walkHistory(
    artistKey: string,
    userIds: readonly string[] | 'all',
    days: DayRange,
  ): Promise<PlayCounts> {
    const counts: PlayCounts = new Map();
    const filter: Record<string, string | number> = {
      grandparent_rating_key: artistKey,
      media_type: 'track',
      // Tautulli groups a paused-and-resumed listen (same reference_id) into one row: one row, one play.
      grouping: 1,
      // Count finished plays only: current streams would otherwise appear as history rows.
      include_activity: 0,
      // Oldest first, so plays that finish during the walk land after the last page, not shift the others.
      order_column: 'date',
      order_dir: 'asc',
      length: HISTORY_PAGE_SIZE,
    };
    if (userIds !== 'all') filter.user_id = userIds.join(',');
    if (days.after) filter.after = days.after;
    if (days.before) filter.before = days.before;
    const page = async (start: number) => {
      const added = addHistoryPage(await call('get_history', { ...filter, start }), counts);
      if (!added) throw new UpstreamError('tautulli', 'bad_response', 'get_history: unexpected data');
      return added;
    };
    const first = await page(0);
    const starts: number[] = [];
    for (
      let start = first.rows;
      first.rows === HISTORY_PAGE_SIZE && start < first.total;
      start += HISTORY_PAGE_SIZE
    ) {
      starts.push(start);
    }
    for (let i = 0; i < starts.length; i += HISTORY_PARALLEL_PAGES) {
      await Promise.all(starts.slice(i, i + HISTORY_PARALLEL_PAGES).map(page));
    }
    return counts;
  }

  async function call(cmd: string, params: Record<string, string | number> = {}): Promise<unknown> {
    const started = performance.now();
    const deadline = AbortSignal.timeout(options.timeoutMs);
    const maxBytes = MAX_ANSWER_BYTES[cmd] ?? MAX_OTHER_BYTES;
    try {
      const response = await http.get('', {
        params: { cmd, ...params },
        responseType: 'json',
        signal: deadline,
        maxContentLength: maxBytes,
      });
      const body = envelope.safeParse(response.data);
      const message = body.success ? (body.data.response.message ?? '') : '';
      logger.debug(
        { cmd, status: response.status, ms: Math.round(performance.now() - started) },
        'tautulli call',
      );
      // A wrong key is 400 "Invalid apikey" on current Tautulli and 401 on v2.1.29–v2.10.4: match the message.
      if (response.status === 401 || response.status === 403 || /invalid apikey/i.test(message)) {
        throw new UpstreamError('tautulli', 'unauthorized', `HTTP ${response.status}`, response.status);
      }
      if (response.status === 404)
        throw new UpstreamError('tautulli', 'not_found', 'API disabled or wrong URL', 404);
      if (response.status >= 400 && !body.success) {
        throw new UpstreamError('tautulli', 'bad_response', `HTTP ${response.status}`, response.status);
      }
      if (!body.success)
        throw new UpstreamError('tautulli', 'bad_response', `${cmd}: not a Tautulli envelope`);
      if (body.data.response.result !== 'success') {
        throw new UpstreamError(
          'tautulli',
          'bad_response',
          `${cmd}: ${message.slice(0, 200)}`,
          response.status,
        );
      }
      return body.data.response.data;
    } catch (error) {
      const mapped = deadline.aborted
        ? deadlineError('tautulli', options.timeoutMs)
        : tooLarge(error)
          ? tooLargeError('tautulli', maxBytes, cmd)
          : toUpstreamError('tautulli', error);
      logger.warn(
        { cmd, kind: mapped.kind, status: mapped.status, detail: mapped.message },
        'tautulli call failed',
      );
      throw mapped;
    }
  }

  return {
    async getActivity() {
      const data = await call('get_activity');
      const activity = parseActivity(data);
      if (!activity) throw new UpstreamError('tautulli', 'bad_response', 'get_activity: unexpected data');
      return activity;
    },
    async terminateSession(sessionId, message) {
      await call('terminate_session', { session_id: sessionId, message });
    },
    async getImage(img, size) {
      const key = `${img}@${size.width}x${size.height}`;
      const hit = images.get(key);
      if (hit) return hit;
      const data = await fetchImage(http, logger, img, size, options.timeoutMs);
      if (data) {
        // Insertion order makes the Map a simple LRU: drop the oldest when full.
        if (images.size >= IMAGE_CACHE_ENTRIES) images.delete(images.keys().next().value as string);
        images.set(key, data);
      }
      return data;
    },
    async getUsers() {
      const users = parseUsers(await call('get_users'));
      if (!users) throw new UpstreamError('tautulli', 'bad_response', 'get_users: unexpected data');
      return users;
    },
    async historyWindow(days, start, length) {
      const params: Record<string, string | number> = {
        media_type: 'track',
        // Ungrouped: each row keeps its own id (dedupe) and reference_id (the play it belongs to).
        grouping: 0,
        include_activity: 0,
        order_column: 'date',
        order_dir: 'asc',
        start,
        length,
      };
      if (days.after) params.after = days.after;
      if (days.before) params.before = days.before;
      const window = parseHistoryWindow(await call('get_history', params));
      if (!window) throw new UpstreamError('tautulli', 'bad_response', 'get_history: unexpected data');
      return window;
    },
    async artistPlays(artistKey, userIds, days = {}) {
      const who = userIds === 'all' ? 'all' : [...userIds].sort().join(',');
      const cacheKey = `${artistKey}|${who}|${days.after ?? ''}|${days.before ?? ''}`;
      const hit = plays.get(cacheKey);
      if (hit && Date.now() - hit.at < PLAYS_CACHE_TTL_MS) return hit.counts;
      const counts = await walkHistory(artistKey, userIds, days);
      if (plays.size >= PLAYS_CACHE_ENTRIES) plays.delete(plays.keys().next().value as string);
      plays.set(cacheKey, { counts, at: Date.now() });
      return counts;
    },
  };
}

async function fetchImage(
  http: AxiosInstance,
  logger: Logger,
  img: string,
  size: { width: number; height: number },
  timeoutMs: number,
): Promise<Buffer | null> {
  try {
    const response = await http.get<ArrayBuffer>('', {
      params: { cmd: 'pms_image_proxy', img, width: size.width, height: size.height, fallback: 'cover' },
      responseType: 'arraybuffer',
      signal: AbortSignal.timeout(timeoutMs),
      maxContentLength: MAX_IMAGE_BYTES,
    });
    const type = String(response.headers['content-type'] ?? '');
    if (response.status !== 200 || !type.startsWith('image/')) return null;
    return Buffer.from(response.data);
  } catch (error) {
    if (isAxiosError(error)) logger.debug({ code: error.code }, 'image proxy failed');
    return null;
  }
}

/** axios's refusal of a body over `maxContentLength` (an AxiosError with only this message to tell it by). */
function tooLarge(error: unknown): boolean {
  return isAxiosError(error) && error.message.startsWith('maxContentLength size of');
}
