import { z } from 'zod';

/** Rows per get_history page: few round trips, bounded memory per response. */
export const HISTORY_PAGE_SIZE = 5000;

export interface TautulliUser {
  userId: string;
  name: string;
  username: string;
  isActive: boolean;
}

/** Per user id, per track rating key: how many times it was played. */
export type PlayCounts = Map<string, Map<string, number>>;

const id = z.union([z.string(), z.number()]).transform(String);

const userRow = z.object({
  user_id: id,
  friendly_name: z.string().nullable().optional(),
  username: z.string().nullable().optional(),
  is_active: z.union([z.number(), z.string(), z.boolean()]).nullable().optional(),
});

/** get_users rows → users; the synthetic "Local" user (id 0) and rows without a name are skipped. */
export function parseUsers(data: unknown): TautulliUser[] | null {
  if (!Array.isArray(data)) return null;
  const users: TautulliUser[] = [];
  for (const raw of data) {
    const row = userRow.safeParse(raw);
    if (!row.success || row.data.user_id === '0') continue;
    const name = row.data.friendly_name || row.data.username;
    if (!name) continue;
    const active = row.data.is_active;
    users.push({
      userId: row.data.user_id,
      name,
      username: row.data.username ?? name,
      isActive: active === undefined || active === null || active === 1 || active === '1' || active === true,
    });
  }
  return users;
}

type Id = string | number;
const isId = (value: unknown): value is Id => typeof value === 'string' || typeof value === 'number';

/**
 * Adds one get_history page to `counts`; returns how many rows it had and the filtered total, or null
 * when the page is not history at all. Hand-checked rather than schema-parsed: a busy artist can mean
 * 50,000+ rows, and only three fields of each matter.
 */
export function addHistoryPage(data: unknown, counts: PlayCounts): { rows: number; total: number } | null {
  const page = data as { recordsFiltered?: unknown; data?: unknown } | null;
  if (typeof page !== 'object' || page === null || !Array.isArray(page.data)) return null;
  const total = Number(page.recordsFiltered);
  if (!Number.isFinite(total)) return null;
  for (const row of page.data as Array<Record<string, unknown> | null>) {
    if (typeof row !== 'object' || row === null) continue;
    const { user_id: userId, rating_key: ratingKey, media_type: mediaType } = row;
    if (!isId(userId) || !isId(ratingKey) || (mediaType !== undefined && mediaType !== 'track')) continue;
    // Requested with grouping=1, so each row is one listen (resumed sessions merged); group_count
    // counts the sessions inside it, not plays.
    const user = String(userId);
    let perUser = counts.get(user);
    if (!perUser) counts.set(user, (perUser = new Map()));
    const key = String(ratingKey);
    perUser.set(key, (perUser.get(key) ?? 0) + 1);
  }
  return { rows: page.data.length, total };
}

/** One ungrouped music row of get_history, as the history mirror keeps it. */
export interface HistoryRowData {
  id: number;
  referenceId: number;
  userId: number;
  ratingKey: number;
  albumKey: number;
  artistKey: number;
  title: string;
  album: string;
  artist: string;
  started: number;
  duration: number;
  percent: number;
  /** Disc × 10000 + track number, 0 when unknown. */
  position: number;
}

/** A window of get_history: its rows and how many rows the filter matched in all (recordsFiltered). */
export interface HistoryWindow {
  total: number;
  rows: HistoryRowData[];
}

const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value));
const str = (value: unknown): string =>
  typeof value === 'string' ? value : value == null ? '' : String(value);

/**
 * get_history data (grouping=0) → rows. Current sessions (null id) and anything but tracks are skipped;
 * values come as ints or strings depending on the Tautulli version, so both are read.
 */
export function parseHistoryWindow(data: unknown): HistoryWindow | null {
  const page = data as { recordsFiltered?: unknown; data?: unknown } | null;
  if (typeof page !== 'object' || page === null || !Array.isArray(page.data)) return null;
  const total = Number(page.recordsFiltered);
  if (!Number.isFinite(total)) return null;
  const rows: HistoryRowData[] = [];
  for (const raw of page.data as Array<Record<string, unknown> | null>) {
    if (typeof raw !== 'object' || raw === null || raw.media_type !== 'track') continue;
    const id = num(raw.row_id ?? raw.id);
    const row: HistoryRowData = {
      id,
      referenceId: raw.reference_id == null ? id : num(raw.reference_id),
      userId: num(raw.user_id),
      ratingKey: num(raw.rating_key),
      albumKey: num(raw.parent_rating_key),
      artistKey: num(raw.grandparent_rating_key),
      title: str(raw.title),
      album: str(raw.parent_title),
      artist: str(raw.grandparent_title),
      started: num(raw.started),
      duration: num(raw.play_duration ?? raw.duration) || 0,
      percent: num(raw.percent_complete) || 0,
      position: (num(raw.parent_media_index) || 0) * 10_000 + (num(raw.media_index) || 0),
    };
    if (
      [row.id, row.referenceId, row.userId, row.ratingKey, row.artistKey, row.started].some(
        (n) => !Number.isFinite(n),
      )
    )
      continue;
    if (!Number.isFinite(row.albumKey)) row.albumKey = 0;
    rows.push(row);
  }
  return { total, rows };
}
