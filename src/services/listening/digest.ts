import type { PlexService } from '../plex/client.ts';
import type { TopRow } from '../store/index.ts';
import type { UserDirectory } from '../tautulli/user-directory.ts';
import { artistLeaderboard } from './leaderboard.ts';
import type { HistoryMirror } from './mirror.ts';
import type { Period } from './period.ts';

/**
 * The digest: what happened in a period, from the local history. Crowns and badges compare each busy
 * artist's leaderboard at the period's start with the one at its end (all-time plays up to each moment).
 */

/** Completion badges: a quarter, half and all of an artist's tracks on the server. */
export const BADGES = [25, 50, 100] as const;
export type Badge = (typeof BADGES)[number];

/** The highest badge a share of an artist's tracks earns, or null below 25 %. */
export function badgeFor(played: number, total: number): Badge | null {
  if (total === 0) return null;
  let best: Badge | null = null;
  for (const badge of BADGES) if (played * 100 >= badge * total) best = badge;
  return best;
}

export interface Digest {
  period: Period;
  listeners: Array<{ name: string; plays: number; seconds: number }>;
  albums: TopRow[];
  /** Crowns that changed hands: the holder at the end, and who held it at the start (null: nobody). */
  crowns: Array<{ artist: string; holder: string; previous: string | null }>;
  /** Badges earned during the period, highest first. */
  badges: Array<{ name: string; artist: string; badge: Badge }>;
}

/** How many of the period's most-played artists are checked for crowns and badges (two boards each). */
export const DIGEST_ARTISTS = 8;
const LISTED = 5;

export async function buildDigest(
  services: { plex: PlexService; history: HistoryMirror; users: UserDirectory },
  period: Period,
): Promise<Digest> {
  const users = new Map((await services.users.list()).map((u) => [u.userId, u.name]));
  const name = (id: string) => users.get(id) ?? `Plex user #${id}`;
  const listeners = services.history
    .top('listeners', null, period, LISTED)
    .map((row) => ({ name: name(row.title), plays: row.plays, seconds: row.seconds }));
  const albums = services.history.top('albums', null, period, LISTED);
  const crowns: Digest['crowns'] = [];
  const badges: Digest['badges'] = [];
  for (const row of services.history.top('artists', null, period, DIGEST_ARTISTS)) {
    const artist = { key: row.key, title: row.title };
    const [after, before] = await Promise.all([
      artistLeaderboard(services, artist, { name: 'all', from: 0, to: period.to }),
      artistLeaderboard(services, artist, { name: 'all', from: 0, to: period.from }),
    ]).catch(() => [null, null]); // an artist no longer in Plex: no crown or badge to give
    if (!after || !before || after.total === 0) continue;
    const holder = after.entries.filter((e) => e.crown);
    const held = new Set(before.entries.filter((e) => e.crown).map((e) => e.userId));
    if (holder.length === 1 && !held.has((holder[0] as { userId: string }).userId)) {
      const previous = before.entries.find((e) => e.crown);
      crowns.push({ artist: row.title, holder: holder[0]!.name, previous: previous ? previous.name : null });
    }
    const earlier = new Map(before.entries.map((e) => [e.userId, badgeFor(e.played, before.total)]));
    for (const entry of after.entries) {
      const badge = badgeFor(entry.played, after.total);
      if (badge !== null && badge !== (earlier.get(entry.userId) ?? null))
        badges.push({ name: entry.name, artist: row.title, badge });
    }
  }
  badges.sort((a, b) => b.badge - a.badge || a.name.localeCompare(b.name));
  return { period, listeners, albums, crowns, badges };
}
