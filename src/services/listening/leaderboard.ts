import { EVERYONE, artistStats, EACH_LISTENER } from './stats.ts';
import type { ListenerStats } from './stats.ts';
import type { PlexService } from '../plex/client.ts';
import type { HistoryMirror } from './mirror.ts';
import { ALL_TIME } from './period.ts';
import type { Period } from './period.ts';
import type { UserDirectory } from '../tautulli/user-directory.ts';

/** One Plex user's place on an artist's leaderboard. */
export interface LeaderboardEntry {
  userId: string;
  name: string;
  /** Distinct library tracks of the artist played at least once. */
  played: number;
  plays: number;
  albumsCompleted: number;
  /** 1-based; users level on completion and plays share a rank. */
  rank: number;
  /** Highest completion, ties broken by plays (level holders share it). */
  crown: boolean;
}

export interface Leaderboard {
  artist: { key: string; title: string };
  /** The artist's tracks in the library. */
  total: number;
  /** Users with at least one play of a library track of the artist, best first. */
  entries: LeaderboardEntry[];
  /** Everyone together. */
  everyone: ListenerStats;
  /** Active users Tautulli knows who have not played the artist (summarised, not listed). */
  notPlayed: number;
  period: Period;
  /** The local history is still loading: counted from Tautulli directly. */
  loading: boolean;
}

/** Completion first (every entry has the same total, so distinct tracks decide), then plays. */
function compareEntries(a: Omit<LeaderboardEntry, 'rank' | 'crown'>, b: typeof a): number {
  return b.played - a.played || b.plays - a.plays;
}

/**
 * Every user's completion of one artist, from the local history (or, while it loads, one get_history walk
 * without a user filter, 5,000 rows a page), so the request count never depends on the number of users or
 * tracks.
 */
export async function artistLeaderboard(
  services: { plex: PlexService; history: HistoryMirror; users: UserDirectory },
  artist: { key: string; title: string },
  period: Period = ALL_TIME,
): Promise<Leaderboard> {
  const [stats, users] = await Promise.all([
    artistStats(services, artist, [EVERYONE, EACH_LISTENER], period),
    services.users.list(),
  ]);
  const names = new Map(users.map((u) => [u.userId, u.name]));
  const unranked = [...stats.listeners]
    .filter(([id, s]) => id !== EVERYONE && s.played > 0)
    .map(([userId, s]) => ({
      userId,
      // A user removed from Tautulli keeps their history rows: still ranked, by id.
      name: names.get(userId) ?? `Plex user #${userId}`,
      played: s.played,
      plays: s.plays,
      albumsCompleted: s.albumsCompleted,
    }))
    .sort((a, b) => compareEntries(a, b) || a.name.localeCompare(b.name));
  const entries: LeaderboardEntry[] = [];
  for (const [i, entry] of unranked.entries()) {
    const previous = entries[i - 1];
    const rank = previous && compareEntries(previous, entry) === 0 ? previous.rank : i + 1;
    entries.push({ ...entry, rank, crown: rank === 1 });
  }
  const ranked = new Set(entries.map((e) => e.userId));
  return {
    artist,
    total: stats.tracks.size,
    entries,
    everyone: stats.listeners.get(EVERYONE) as ListenerStats,
    notPlayed: users.filter((u) => u.isActive && !ranked.has(u.userId)).length,
    period,
    loading: stats.loading,
  };
}
