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

const historyRow = z.object({
  user_id: id,
  rating_key: id,
  media_type: z.string().optional(),
});

const historyPage = z.object({
  recordsFiltered: z.union([z.number(), z.string()]).transform(Number),
  data: z.array(z.unknown()),
});

/** Adds one get_history page to `counts`; returns how many rows it had and the filtered total, or null. */
export function addHistoryPage(data: unknown, counts: PlayCounts): { rows: number; total: number } | null {
  const page = historyPage.safeParse(data);
  if (!page.success) return null;
  for (const raw of page.data.data) {
    const row = historyRow.safeParse(raw);
    if (!row.success || (row.data.media_type && row.data.media_type !== 'track')) continue;
    // Requested with grouping=1, so each row is one listen (resumed sessions merged); group_count
    // counts the sessions inside it, not plays.
    let perUser = counts.get(row.data.user_id);
    if (!perUser) counts.set(row.data.user_id, (perUser = new Map()));
    perUser.set(row.data.rating_key, (perUser.get(row.data.rating_key) ?? 0) + 1);
  }
  return { rows: page.data.data.length, total: page.data.recordsFiltered };
}
