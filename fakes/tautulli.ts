import type { ServerResponse } from 'node:http';
import { sendJson, startHttpFake } from './http-fake.ts';
import type { HttpFake, RecordedHttpRequest } from './http-fake.ts';
import { solidPng } from './png.ts';
import { fixtureActivity } from './tautulli-sessions.ts';
import { tautulliUsers, watchedStatus } from './tautulli-history.ts';
import type { HistoryRow, TautulliUserRow } from './tautulli-history.ts';

export const FAKE_TAUTULLI_API_KEY = '0123456789abcdef0123456789abcdef';

export interface TautulliFake extends HttpFake {
  /** `get_activity` data; tests replace it to change what is playing. */
  activity: Record<string, unknown> & { sessions: Array<Record<string, unknown>> };
  /** Every terminate_session call, in order. */
  readonly terminated: Array<{ sessionId: string; message: string }>;
  /** Answer like Tautulli ≤ 2.10.4 (401) instead of current (400) for a wrong key. */
  legacyAuthStatus: boolean;
  /** The session_history table, in id order (generateHistory() output or hand-written rows). */
  history: HistoryRow[];
  /** `get_users` rows (current format); `get_user_names` is derived from them. */
  users: TautulliUserRow[];
  /** Server setting GROUP_HISTORY_TABLES (default on, like Tautulli): get_history's default `grouping`. */
  groupHistoryTables: boolean;
  /** Server setting HISTORY_TABLE_ACTIVITY (default on): get_history also lists current sessions. */
  historyTableActivity: boolean;
  /** session_history.section_id per media_type (history rows do not carry it). */
  sectionIds: Record<string, string>;
  /**
   * The Tautulli server's local time zone: `after`, `before` and `start_date` compare the local day of
   * `started` (SQLite `datetime(started, 'unixepoch', 'localtime')`). Default UTC.
   */
  timeZone: string;
}

export interface TautulliFakeOptions {
  history?: HistoryRow[];
  users?: TautulliUserRow[];
}

function envelope(
  res: ServerResponse,
  status: number,
  result: 'success' | 'error',
  message: string | null,
  data: unknown,
) {
  sendJson(res, status, { response: { result, message, data } });
}

interface State {
  activity: TautulliFake['activity'];
  terminated: TautulliFake['terminated'];
  legacyAuthStatus: boolean;
  history: HistoryRow[];
  users: TautulliUserRow[];
  groupHistoryTables: boolean;
  historyTableActivity: boolean;
  sectionIds: Record<string, string>;
  timeZone: string;
}

/**
 * A Tautulli API v2 fake: checks the apikey and cmd like api2.py (wrong key → 400 "Invalid apikey";
 * unknown cmd → 400 listing nothing useful), serves the real fixture activity by default, keeps state
 * for terminate_session, serves images for pms_image_proxy, and answers get_history / get_users /
 * get_user_names from its history and users.
 */
export async function startTautulliFake(
  apiKey = FAKE_TAUTULLI_API_KEY,
  options: TautulliFakeOptions = {},
): Promise<TautulliFake> {
  const state: State = {
    activity: fixtureActivity() as TautulliFake['activity'],
    terminated: [],
    legacyAuthStatus: false,
    history: options.history ?? [],
    users: options.users ?? tautulliUsers(),
    groupHistoryTables: true,
    historyTableActivity: true,
    sectionIds: { track: '5', episode: '2', movie: '1' },
    timeZone: 'UTC',
  };
  const history = historyTable(state);
  const handle = (req: RecordedHttpRequest, res: ServerResponse) => {
    if (req.path !== '/api/v2') return sendJson(res, 404, { error: 'not found' });
    if (req.query.apikey !== apiKey) {
      return envelope(res, state.legacyAuthStatus ? 401 : 400, 'error', 'Invalid apikey', null);
    }
    switch (req.query.cmd) {
      case 'get_activity':
        return envelope(res, 200, 'success', null, state.activity);
      case 'terminate_session': {
        const sessionId = req.query.session_id ?? '';
        const before = state.activity.sessions.length;
        state.activity.sessions = state.activity.sessions.filter((s) => s.session_id !== sessionId);
        if (state.activity.sessions.length === before) {
          return envelope(res, 400, 'error', 'No session found to terminate.', null);
        }
        state.terminated.push({ sessionId, message: req.query.message ?? '' });
        state.activity.stream_count = String(state.activity.sessions.length);
        return envelope(res, 200, 'success', null, null);
      }
      case 'pms_image_proxy': {
        const img = req.query.img ?? '';
        if (!img.startsWith('/library/metadata/'))
          return envelope(res, 400, 'error', 'No image input received.', null);
        const seed = [...img].reduce((n, c) => (n * 31 + c.charCodeAt(0)) & 0xffffff, 7);
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(solidPng(16, 16, [seed & 0xff, (seed >> 8) & 0xff, (seed >> 16) & 0xff]));
        return;
      }
      case 'get_history':
        return envelope(res, 200, 'success', null, history.query(req.query));
      case 'delete_history': {
        // webserve.delete_history(row_ids): removes session_history rows by id.
        const ids = new Set(splitStrip(req.query.row_ids).map(Number));
        if (ids.size === 0) return envelope(res, 400, 'error', 'No row ids received.', null);
        state.history = state.history.filter((row) => row.id === null || !ids.has(row.id));
        return envelope(res, 200, 'success', 'Deleted history.', null);
      }
      case 'get_users':
        return envelope(res, 200, 'success', null, state.users);
      case 'get_user_names':
        return envelope(
          res,
          200,
          'success',
          null,
          state.users.map((u) => ({
            user_id: u.user_id,
            friendly_name: u.friendly_name?.trim() || u.username,
          })),
        );
      default:
        return envelope(res, 400, 'error', 'Unknown command: ' + (req.query.cmd ?? ''), null);
    }
  };
  const fake = await startHttpFake(handle);
  const property = <K extends keyof State>(key: K) => ({
    get: () => state[key],
    set: (value: State[K]) => (state[key] = value),
    enumerable: true,
  });
  return Object.defineProperties(fake, {
    activity: property('activity'),
    terminated: { get: () => state.terminated, enumerable: true },
    legacyAuthStatus: property('legacyAuthStatus'),
    history: property('history'),
    users: property('users'),
    groupHistoryTables: property('groupHistoryTables'),
    historyTableActivity: property('historyTableActivity'),
    sectionIds: property('sectionIds'),
    timeZone: property('timeZone'),
  }) as TautulliFake;
}

// ---------------------------------------------------------------------------------------------------------
// get_history, after webserve.get_history → datafactory.get_datatables_history → datatables.ssp_query
// (Tautulli @ c7153deb): WHERE from the filters, GROUP BY reference_id when grouping, UNION the current
// sessions when HISTORY_TABLE_ACTIVITY, then search, ORDER BY, and a Python slice for start/length.
// recordsTotal counts the whole table; recordsFiltered the grouped, filtered rows; total_duration sums
// the filtered plays; filter_duration sums only the returned page (that is what Tautulli does).

/** Columns get_history accepts in order_column (webserve dt_columns that are real query columns). */
const ORDER_COLUMNS = new Set([
  'date',
  'friendly_name',
  'ip_address',
  'platform',
  'product',
  'player',
  'full_title',
  'started',
  'paused_counter',
  'stopped',
  'duration',
]);
const SEARCH_COLUMNS = [
  'friendly_name',
  'ip_address',
  'platform',
  'product',
  'player',
  'full_title',
] as const;

interface HistoryIndex {
  rows: HistoryRow[];
  length: number;
  byUser: Map<number, number[]>;
  byGrandparent: Map<number, number[]>;
  byParent: Map<number, number[]>;
  byRating: Map<number, number[]>;
  chronological: boolean;
}

function indexHistory(rows: HistoryRow[]): HistoryIndex {
  const index: HistoryIndex = {
    rows,
    length: rows.length,
    byUser: new Map(),
    byGrandparent: new Map(),
    byParent: new Map(),
    byRating: new Map(),
    chronological: true,
  };
  const push = (map: Map<number, number[]>, key: number, i: number) => {
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  };
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as HistoryRow;
    push(index.byUser, row.user_id, i);
    push(index.byGrandparent, row.grandparent_rating_key, i);
    push(index.byParent, row.parent_rating_key, i);
    push(index.byRating, row.rating_key, i);
    if (i > 0 && (rows[i - 1] as HistoryRow).started > row.started) index.chronological = false;
  }
  return index;
}

/** The local `YYYY-MM-DD` of unix seconds in a time zone. */
function dayIn(timeZone: string): (unixSeconds: number) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const cache = new Map<number, string>();
  return (unixSeconds) => {
    // Rows come in bursts on the same hour: remember each hour's day (zones shift by whole quarter hours).
    const slot = Math.floor(unixSeconds / 900);
    let day = cache.get(slot);
    if (day === undefined) cache.set(slot, (day = format.format(new Date(unixSeconds * 1000))));
    return day;
  };
}

/** helpers.split_strip */
const splitStrip = (value: string | undefined): string[] =>
  value === undefined
    ? []
    : value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);

/** helpers.bool_true(value, return_none=True) */
const boolTrue = (value: string | undefined, fallback: boolean): boolean =>
  value === undefined ? fallback : ['1', 'true', 't', 'yes', 'y', 'on'].includes(value.toLowerCase());

/** Python's round(): half to even. */
const pyRound = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** helpers.human_duration(seconds, sig='dhm', units='s') as get_history calls it. */
export function humanDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds <= 0) return '0';
  const sig = seconds < 300_000 ? 'dhms' : 'dhm';
  const r = sig === 'dhms' ? 1000 : 60_000;
  let ms = pyRound((seconds * 1000) / r) * r;
  const d = Math.floor(ms / 86_400_000);
  ms -= d * 86_400_000;
  const h = Math.floor(ms / 3_600_000);
  ms -= h * 3_600_000;
  const m = Math.floor(ms / 60_000);
  ms -= m * 60_000;
  const s = Math.floor(ms / 1000);
  const parts: string[] = [];
  if (d > 0) parts.push(`${d} day${d > 1 ? 's' : ''}`);
  if (h > 0) parts.push(`${h} hr${h > 1 ? 's' : ''}`);
  if (m > 0) parts.push(`${m} min${m > 1 ? 's' : ''}`);
  if (sig === 'dhms' && s > 0) parts.push(`${s} sec${s > 1 ? 's' : ''}`);
  return parts.join(' ');
}

/** Python slice semantics for `filtered[start:start + length]` (a negative length drops rows from the end). */
function pySlice<T>(list: T[], start: number, end: number): T[] {
  const norm = (i: number) => (i < 0 ? Math.max(0, list.length + i) : Math.min(i, list.length));
  return list.slice(norm(start), norm(end));
}

const toInt = (value: unknown): number | null =>
  value === null || value === undefined || value === '' || Number.isNaN(Number(value)) ? null : Number(value);

/** A current session as the `sessions` half of the UNION returns it (datafactory columns_union). */
function sessionRow(s: Record<string, unknown>, users: TautulliUserRow[], now: number): HistoryRow {
  const viewOffset = toInt(s.view_offset) ?? 0;
  const duration = toInt(s.duration) ?? 0;
  const started = now - Math.round(viewOffset / 1000);
  const percent = Math.round(((viewOffset || 0.1) / (duration || 1)) * 100);
  const mediaType = String(s.media_type ?? '');
  const str = (key: string) => (s[key] === undefined || s[key] === null ? '' : String(s[key]));
  return {
    reference_id: null,
    row_id: null,
    id: null,
    date: started,
    started,
    stopped: null,
    duration: now - started,
    play_duration: now - started,
    paused_counter: 0,
    user_id: Number(s.user_id),
    user: str('user'),
    friendly_name: str('friendly_name') || str('user'),
    user_thumb:
      users.find((u) => u.user_id === Number(s.user_id))?.thumb ??
      'interfaces/default/images/gravatar-default-80x80.png',
    platform: str('platform'),
    product: str('product'),
    player: str('player'),
    ip_address: str('ip_address'),
    live: toInt(s.live) ?? 0,
    machine_id: str('machine_id'),
    location: str('location'),
    secure: toInt(s.secure) ?? 0,
    relayed: toInt(s.relayed) ?? 0,
    media_type: mediaType,
    rating_key: Number(s.rating_key),
    parent_rating_key: Number(s.parent_rating_key),
    grandparent_rating_key: Number(s.grandparent_rating_key),
    full_title: str('full_title'),
    title: str('title'),
    parent_title: str('parent_title'),
    grandparent_title: str('grandparent_title'),
    original_title: str('original_title'),
    year: toInt(s.year),
    media_index: toInt(s.media_index),
    parent_media_index: toInt(s.parent_media_index),
    thumb: mediaType === 'episode' ? str('parent_thumb') || str('grandparent_thumb') : str('thumb'),
    originally_available_at: str('originally_available_at'),
    guid: str('guid'),
    transcode_decision: str('transcode_decision'),
    percent_complete: percent,
    watched_status: watchedStatus(mediaType, percent),
    group_count: null,
    group_ids: null,
    state: str('state') || null,
    session_key: toInt(s.session_key),
  };
}

/** Grouped rows: MAX(started) AS date, MIN(started), MAX(stopped), sums, COUNT(*), GROUP_CONCAT(id). */
function aggregate(members: HistoryRow[]): HistoryRow {
  const last = members[members.length - 1] as HistoryRow;
  let playDuration = 0;
  let paused = 0;
  let percent = 0;
  for (const m of members) {
    playDuration += m.play_duration;
    paused += m.paused_counter;
    percent = Math.max(percent, m.percent_complete);
  }
  return {
    ...last,
    date: Math.max(...members.map((m) => m.started)),
    started: Math.min(...members.map((m) => m.started)),
    stopped: Math.max(...members.map((m) => m.stopped ?? 0)),
    duration: playDuration,
    play_duration: playDuration,
    paused_counter: paused,
    percent_complete: percent,
    watched_status: last.watched_status === 1 ? 1 : watchedStatus(last.media_type, percent),
    group_count: members.length,
    group_ids: members.map((m) => m.id).join(','),
  };
}

function historyTable(state: State) {
  let index: HistoryIndex | null = null;
  const current = (): HistoryIndex => {
    if (!index || index.rows !== state.history || index.length !== state.history.length) {
      index = indexHistory(state.history);
    }
    return index;
  };

  return {
    query(q: Record<string, string>) {
      const idx = current();
      const rows = idx.rows;
      const tests: Array<(row: HistoryRow, section: string) => boolean> = [];
      const candidates: number[][] = [];
      const numeric = (name: string, field: keyof HistoryRow, map?: Map<number, number[]>) => {
        const values = name in q ? splitStrip(q[name]) : [];
        if (values.length === 0) return;
        const wanted = new Set(values.map(Number));
        tests.push((row) => wanted.has(row[field] as number));
        if (map) {
          const lists = [...wanted].map((v) => map.get(v) ?? []);
          candidates.push(lists.length === 1 ? (lists[0] as number[]) : lists.flat().sort((a, b) => a - b));
        }
      };
      const text = (name: string, get: (row: HistoryRow, section: string) => string, all = false) => {
        const values = splitStrip(q[name]);
        if (values.length === 0 || (all && values.includes('all'))) return;
        tests.push((row, section) => values.includes(get(row, section)));
      };
      if (q.user_id) numeric('user_id', 'user_id', idx.byUser);
      else if (q.user) text('user', (row) => row.user);
      numeric('rating_key', 'rating_key', idx.byRating);
      numeric('parent_rating_key', 'parent_rating_key', idx.byParent);
      numeric('grandparent_rating_key', 'grandparent_rating_key', idx.byGrandparent);
      numeric('reference_id', 'reference_id');
      text('section_id', (_row, section) => section);
      text('media_type', (row) => (row.live === 1 ? 'live' : row.media_type), true);
      text('transcode_decision', (row) => row.transcode_decision, true);
      const guids = splitStrip((q.guid ?? '').split('?')[0]).map((g) => g.toLowerCase());
      if (guids.length) tests.push((row) => guids.some((g) => row.guid.toLowerCase().startsWith(g)));
      // webserve.get_history: strftime('%Y-%m-%d', datetime(started, 'unixepoch', 'localtime')), both
      // bounds inclusive (datatables.build_custom_where turns '<' into '<=').
      const localDay = dayIn(state.timeZone);
      const day = (row: HistoryRow) => localDay(row.started);
      const startDate = splitStrip(q.start_date);
      if (startDate.length) tests.push((row) => startDate.includes(day(row)));
      const before = splitStrip(q.before);
      if (before.length) tests.push((row) => before.some((d) => day(row) <= d));
      const after = splitStrip(q.after);
      if (after.length) tests.push((row) => after.some((d) => day(row) >= d));
      if (idx.chronological && (after.length || before.length)) {
        // Rows are in started order, so a day range is one slice: find its ends by binary search
        // (SQLite would scan, but only the window is then grouped, sorted and sliced).
        const firstAt = (test: (i: number) => boolean) => {
          let lo = 0;
          let hi = rows.length;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (test(mid)) hi = mid;
            else lo = mid + 1;
          }
          return lo;
        };
        const from = after.length
          ? firstAt((i) => day(rows[i] as HistoryRow) >= ([...after].sort()[0] as string))
          : 0;
        const to = before.length
          ? firstAt((i) => day(rows[i] as HistoryRow) > ([...before].sort().at(-1) as string))
          : rows.length;
        candidates.push(Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k));
      }

      const sectionOf = (row: HistoryRow) => state.sectionIds[row.media_type] ?? '';
      const matches = (row: HistoryRow, section: string) => tests.every((t) => t(row, section));
      const smallest = candidates.sort((a, b) => a.length - b.length)[0];
      const positions: number[] = [];
      const consider = (i: number) => {
        const row = rows[i] as HistoryRow;
        if (matches(row, sectionOf(row))) positions.push(i);
      };
      if (smallest) for (const i of smallest) consider(i);
      else for (let i = 0; i < rows.length; i++) consider(i);

      let totalDuration = 0;
      for (const i of positions) totalDuration += (rows[i] as HistoryRow).play_duration;

      let entries: HistoryRow[];
      if (boolTrue(q.grouping, state.groupHistoryTables)) {
        const groups = new Map<number, HistoryRow[]>();
        for (const i of positions) {
          const row = rows[i] as HistoryRow;
          const key = row.reference_id ?? row.id ?? -i - 1;
          const group = groups.get(key);
          if (group) group.push(row);
          else groups.set(key, [row]);
        }
        entries = [...groups.values()].map((g) => (g.length === 1 ? (g[0] as HistoryRow) : aggregate(g)));
      } else {
        entries = positions.map((i) => rows[i] as HistoryRow);
      }

      let withSessions = false;
      if (boolTrue(q.include_activity, state.historyTableActivity)) {
        const now = Math.floor(Date.now() / 1000);
        for (const s of state.activity.sessions) {
          const row = sessionRow(s, state.users, now);
          if (matches(row, String(s.section_id ?? ''))) {
            entries.push(row);
            withSessions = true;
          }
        }
      }

      const search = (q.search ?? '').toLowerCase();
      if (search) {
        entries = entries.filter((row) => SEARCH_COLUMNS.some((c) => row[c].toLowerCase().includes(search)));
      }

      const order = orderOf(q);
      const onlyDateDesc = order.length === 1 && order[0]?.column === 'date' && order[0].dir === 'desc';
      if (
        onlyDateDesc &&
        idx.chronological &&
        !withSessions &&
        !boolTrue(q.grouping, state.groupHistoryTables)
      ) {
        entries.reverse(); // already in started order: skip the sort
      } else if (order.length) {
        entries = sortRows(entries, order);
      }

      const start = Number.parseInt(q.start ?? '0', 10) || 0;
      const length = Number.parseInt(q.length ?? '25', 10);
      const page = pySlice(entries, start, start + (Number.isNaN(length) ? 25 : length));
      return {
        recordsFiltered: entries.length,
        recordsTotal: rows.length,
        data: page,
        draw: 1,
        filter_duration: humanDuration(page.reduce((sum, row) => sum + row.play_duration, 0)),
        total_duration: humanDuration(totalDuration),
      };
    },
  };
}

type Order = Array<{ column: keyof HistoryRow; dir: 'asc' | 'desc' }>;

/** helpers.build_datatables_json + datatables.build_order: unknown columns are dropped, not an error. */
function orderOf(q: Record<string, string>): Order {
  const columns = (q.order_column ?? 'date').split(',').map((c) => c.trim());
  const dirs = (q.order_dir ?? 'desc').split(',').map((d) => d.trim().toLowerCase());
  const order: Order = [];
  columns.forEach((column, i) => {
    if (!ORDER_COLUMNS.has(column)) return;
    order.push({ column: column as keyof HistoryRow, dir: dirs[i] === 'asc' ? 'asc' : 'desc' });
  });
  return order;
}

/** ORDER BY … COLLATE NOCASE; NULLs sort first ascending, as in SQLite. Keys are computed once per row. */
function sortRows(rows: HistoryRow[], order: Order): HistoryRow[] {
  const keyed = rows.map((row) => ({
    row,
    keys: order.map(({ column }) => {
      const value = row[column];
      return typeof value === 'string' ? value.toLowerCase() : value;
    }),
  }));
  keyed.sort((a, b) => {
    for (let i = 0; i < order.length; i++) {
      const x = a.keys[i] as string | number | null;
      const y = b.keys[i] as string | number | null;
      const c = x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      if (c !== 0) return order[i]?.dir === 'asc' ? c : -c;
    }
    return 0;
  });
  return keyed.map((k) => k.row);
}
