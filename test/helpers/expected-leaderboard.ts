import type { HistoryRow, Library } from '../../fakes/library.ts';
import type { TautulliUserRow } from '../../fakes/tautulli-history.ts';
import { expectedStats } from './expected-stats.ts';
import type { Expected } from './expected-stats.ts';

/**
 * An artist's leaderboard computed straight from the generated library, history rows and get_users rows
 * (per user through expectedStats, which shares no code with the bot), to check the bot's ranking.
 */
export interface ExpectedEntry {
  userId: number;
  name: string;
  rank: number;
  played: number;
  total: number;
  plays: number;
  percent: number;
}

export interface ExpectedLeaderboard {
  entries: ExpectedEntry[];
  /** Names of the crown holders (more than one when level on tracks and plays). */
  crown: string[];
  everyone: Expected;
  /** Active users (get_users, without "Local") who never played a library track of the artist. */
  notPlayed: number;
  /** get_history rows for the artist once resumed listens are grouped: what Tautulli pages through. */
  groupedRows: number;
}

export function expectedLeaderboard(
  lib: Library,
  history: readonly HistoryRow[],
  artistKey: string,
  users: readonly TautulliUserRow[],
): ExpectedLeaderboard {
  const people = users.filter((u) => u.user_id !== 0);
  // Only the artist's rows matter: filter once rather than once per user.
  const rows = history.filter((row) => String(row.grandparent_rating_key) === artistKey);
  const scored = people
    .map((u) => ({ user: u, stats: expectedStats(lib, rows, artistKey, [u.user_id]) }))
    .filter(({ stats }) => stats.played > 0)
    .sort(
      (a, b) =>
        b.stats.played - a.stats.played ||
        b.stats.plays - a.stats.plays ||
        a.user.friendly_name.localeCompare(b.user.friendly_name),
    );
  const entries: ExpectedEntry[] = [];
  scored.forEach(({ user, stats }, i) => {
    const before = scored[i - 1];
    const level = before && before.stats.played === stats.played && before.stats.plays === stats.plays;
    entries.push({
      userId: user.user_id,
      name: user.friendly_name,
      rank: level ? (entries[i - 1] as ExpectedEntry).rank : i + 1,
      played: stats.played,
      total: stats.total,
      plays: stats.plays,
      percent: stats.percent,
    });
  });
  const references = new Set<number>();
  for (const row of rows) {
    if (row.media_type === 'track') references.add(row.reference_id ?? (row.id as number));
  }
  return {
    entries,
    crown: entries.filter((e) => e.rank === 1).map((e) => e.name),
    everyone: expectedStats(lib, rows, artistKey, 'all'),
    notPlayed: people.filter((u) => u.is_active === 1 && !entries.some((e) => e.userId === u.user_id)).length,
    groupedRows: references.size,
  };
}
