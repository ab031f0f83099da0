import type { Logger } from '../../logger.ts';
import { normalize } from '../library/text-match.ts';
import { UserFacingError } from '../../errors.ts';
import type { MirrorRow, Store, TopKind, TopRow, TrackPlays } from '../store/index.ts';
import type { DayRange, HistoryRowData, TautulliService } from '../tautulli/client.ts';
import { ALL_TIME, dayStart, daysBetween, localDay, nextDay } from './period.ts';
import type { Period } from './period.ts';

/**
 * The local mirror of Tautulli's music history, so every stat is a local query.
 *
 * Why windows: Tautulli answers get_history by running the whole filtered, grouped, sorted query and then
 * slicing the page in Python (datatables.ssp_query), so paging with start/length over the whole history
 * costs the server the whole history per page — quadratic. Asking for date windows (`after`/`before`, days
 * in Tautulli's local time, both inclusive) of at most PAGE_CAP rows costs each request only its window.
 * Then each tick asks for the newest day again (the overlap lands on the same row ids), and now and then
 * the per-month row counts are compared with Tautulli's to drop history deleted there.
 */

export const HISTORY_PAGE_CAP = 2000;
/** How often the month-by-month comparison with Tautulli runs (deleted history disappears here too). */
export const RECONCILE_EVERY_S = 6 * 3600;

export type MirrorStatus = 'idle' | 'filling' | 'ready';

export interface SyncReport {
  requests: number;
  rows: number;
  /** The most rows any window matched (each ≤ PAGE_CAP unless one day alone holds more). */
  largestWindow: number;
  /** Months re-read because their row count differed from Tautulli's. */
  refetchedMonths: string[];
}

/** Plays of an artist per user and track, and whether they came from a history still loading. */
export interface ArtistPlays {
  plays: TrackPlays[];
  /** True while the first fill runs: the answer came from Tautulli directly (slower, same numbers). */
  loading: boolean;
}

export interface HistoryMirror {
  status(): MirrorStatus;
  /** One step of background work: the whole fill until it is done, afterwards one tick (and a reconcile when due). */
  sync(): Promise<SyncReport>;
  /** Compares each month's row count with Tautulli's and re-reads the months that differ. */
  reconcile(): Promise<SyncReport>;
  artistPlays(
    artist: { key: string; title: string },
    who: readonly string[] | 'all',
    period: Period,
  ): Promise<ArtistPlays>;
  /** Top artists, albums, tracks or listeners in a period, for one user id or everyone (null); needs the mirror. */
  top(kind: TopKind, userId: string | null, period: Period, limit: number): TopRow[];
  /** Who listened to an artist in a period, most plays first; needs the mirror. */
  listenersOf(
    artist: { key: string; title: string },
    period: Period,
  ): Array<{ userId: string; plays: number }>;
}

/** Top lists read the whole history: without the mirror they would walk all of Tautulli on every ask. */
export const STILL_LOADING_TEXT =
  'The listening history is still loading (or switched off with HISTORY_SYNC_SECONDS=0), and top lists need it. Try again in a few minutes.';

export interface HistoryMirrorOptions {
  tautulli: TautulliService;
  store: Store;
  logger: Logger;
  /** The server's TZ (undefined = the process's zone), the zone Tautulli's days are in. */
  timeZone: string | undefined;
  pageCap?: number;
  now?: () => number;
}

const KEY = {
  fillNext: 'history.fill.next',
  fillEnd: 'history.fill.end',
  span: 'history.fill.span',
  cursor: 'history.cursor',
  reconciledAt: 'history.reconciledAt',
} as const;

function toMirror(row: HistoryRowData): MirrorRow {
  return {
    ...row,
    artistNorm: normalize(row.artist),
    albumNorm: normalize(row.album),
    titleNorm: normalize(row.title),
  };
}

export function createHistoryMirror(options: HistoryMirrorOptions): HistoryMirror {
  const { tautulli, store, timeZone } = options;
  const cap = options.pageCap ?? HISTORY_PAGE_CAP;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const logger = options.logger.child({ svc: 'history' });
  let running: Promise<SyncReport> | null = null;
  let started = false;

  const report = (): SyncReport => ({ requests: 0, rows: 0, largestWindow: 0, refetchedMonths: [] });
  const state = (key: string) => store.getState(key);
  const isReady = () => state(KEY.cursor) !== undefined;
  /** Ready, and the database answers: a database that cannot be used means asking Tautulli, as before the fill. */
  const mirrorUsable = () => {
    try {
      return isReady();
    } catch (error) {
      logger.warn({ err: error }, 'cannot read the history mirror; asking Tautulli');
      return false;
    }
  };

  /** Every row of days `from`..`to`: windows of at most `cap` rows, a day paged when it alone holds more. */
  async function readDays(
    from: string,
    to: string,
    out: SyncReport,
    onWindow?: (next: string, span: number) => void,
  ) {
    let day = from;
    let span = Number(state(KEY.span)) || 7;
    while (day <= to) {
      const last = [nextDay(day, span - 1), to].sort()[0] as string;
      const range: DayRange = { after: day, before: last };
      const first = await tautulli.historyWindow(range, 0, cap);
      out.requests++;
      if (first.total > cap && span > 1) {
        // Too dense: narrow the window before keeping anything, so no request covers more than the cap.
        span = Math.max(1, Math.floor((span * cap * 0.8) / first.total));
        continue;
      }
      out.largestWindow = Math.max(out.largestWindow, span > 1 ? first.total : Math.min(first.total, cap));
      const rows = first.rows.map(toMirror);
      for (let start = first.rows.length; first.rows.length > 0 && start < first.total; start += cap) {
        const page = await tautulli.historyWindow(range, start, cap);
        out.requests++;
        if (page.rows.length === 0) break;
        rows.push(...page.rows.map(toMirror));
      }
      store.putHistory(rows);
      out.rows += rows.length;
      day = nextDay(last);
      // Aim the next window at about 70 % of the cap from this one's density (at most 4× wider).
      span = Math.max(1, Math.min(span * 4, Math.floor((span * cap * 0.7) / Math.max(1, first.total))));
      onWindow?.(day, span);
    }
  }

  async function fill(out: SyncReport): Promise<void> {
    let end = state(KEY.fillEnd);
    let next = state(KEY.fillNext);
    if (!end || !next) {
      end = localDay(now(), timeZone);
      // The oldest row and the total: where to start and how wide the first window can be.
      const oldest = await tautulli.historyWindow({}, 0, 1);
      out.requests++;
      const first = oldest.rows[0];
      next = first ? localDay(first.started, timeZone) : end;
      const days = daysBetween(next, end) + 1;
      const span = Math.max(1, Math.floor((days * cap * 0.7) / Math.max(1, oldest.total)));
      store.setState(KEY.span, String(span));
      store.setState(KEY.fillEnd, end);
      store.setState(KEY.fillNext, next);
      logger.info({ rows: oldest.total, from: next }, 'history fill started');
    }
    await readDays(next, end, out, (day, span) => {
      store.setState(KEY.fillNext, day);
      store.setState(KEY.span, String(span));
    });
    // Ticks start from the newest day mirrored (not today: Tautulli's clock and ours may disagree).
    const span = store.historySpan();
    store.setState(KEY.cursor, span ? localDay(span.last, timeZone) : end);
    store.setState(KEY.reconciledAt, String(now()));
    logger.info({ requests: out.requests, rows: out.rows }, 'history fill finished');
  }

  /** One small request from the newest day mirrored (again: dedupe is by row id). */
  async function tick(out: SyncReport): Promise<void> {
    const cursor = state(KEY.cursor) as string;
    const first = await tautulli.historyWindow({ after: cursor }, 0, cap);
    out.requests++;
    const rows = first.rows.map(toMirror);
    for (let start = rows.length; first.rows.length > 0 && start < first.total; start += cap) {
      const page = await tautulli.historyWindow({ after: cursor }, start, cap);
      out.requests++;
      if (page.rows.length === 0) break;
      rows.push(...page.rows.map(toMirror));
    }
    store.putHistory(rows);
    out.rows += rows.length;
    const newest = rows.reduce((max, row) => Math.max(max, row.started), 0);
    if (newest > 0) {
      const day = localDay(newest, timeZone);
      if (day > cursor) store.setState(KEY.cursor, day);
    }
  }

  async function reconcile(out: SyncReport): Promise<void> {
    const span = store.historySpan();
    const today = localDay(now(), timeZone);
    if (span) {
      let month = `${localDay(span.first, timeZone).slice(0, 7)}-01`;
      while (month <= today) {
        const following = `${nextDay(month, 31).slice(0, 7)}-01`;
        const lastDay = nextDay(following, -1);
        const theirs = await tautulli.historyWindow({ after: month, before: lastDay }, 0, 1);
        out.requests++;
        const from = dayStart(month, timeZone);
        const to = dayStart(following, timeZone);
        if (theirs.total !== store.countHistory(from, to)) {
          store.deleteHistory(from, to);
          await readDays(month, [lastDay, today].sort()[0] as string, out);
          out.refetchedMonths.push(month.slice(0, 7));
        }
        month = following;
      }
    }
    store.setState(KEY.reconciledAt, String(now()));
    if (out.refetchedMonths.length) logger.info({ months: out.refetchedMonths }, 'history reconciled');
  }

  const once = (work: (out: SyncReport) => Promise<void>): Promise<SyncReport> => {
    if (running) return running;
    const out = report();
    running = work(out)
      .then(() => out)
      .finally(() => (running = null));
    return running;
  };

  return {
    status: () => (isReady() ? 'ready' : started ? 'filling' : 'idle'),
    sync() {
      started = true;
      return once(async (out) => {
        if (!isReady()) return fill(out);
        await tick(out);
        if (now() - (Number(state(KEY.reconciledAt)) || 0) >= RECONCILE_EVERY_S) await reconcile(out);
      });
    },
    reconcile: () => once(reconcile),
    top(kind, userId, period, limit) {
      if (!isReady()) throw new UserFacingError(STILL_LOADING_TEXT);
      return store.topHistory(kind, userId, period.from, period.to, limit);
    },
    listenersOf(artist, period) {
      if (!isReady()) throw new UserFacingError(STILL_LOADING_TEXT);
      return store.artistListeners(artist.key, normalize(artist.title), period.from, period.to);
    },
    async artistPlays(artist, who, period = ALL_TIME) {
      const wanted = who === 'all' ? null : new Set(who);
      if (mirrorUsable()) {
        const plays = store
          .artistTrackPlays(artist.key, normalize(artist.title), period.from, period.to)
          .filter((p) => !wanted || wanted.has(p.userId));
        return { plays, loading: false };
      }
      // Not mirrored yet: today's walk of get_history for this artist, limited to the period's days.
      const days: DayRange = {};
      if (period.from > 0) days.after = localDay(period.from, timeZone);
      if (Number.isFinite(period.to)) days.before = localDay(period.to - 1, timeZone);
      const counts = await tautulli.artistPlays(artist.key, who, days);
      const plays: TrackPlays[] = [];
      for (const [userId, perTrack] of counts) {
        for (const [ratingKey, n] of perTrack)
          plays.push({ userId, ratingKey, albumNorm: '', titleNorm: '', position: 0, plays: n });
      }
      return { plays, loading: started };
    },
  };
}
