import type { HistoryRow, Library } from '../../fakes/library.ts';

/**
 * Listening statistics computed straight from the generated library and history rows, without any of
 * the bot's code, so the bot's answers are checked against an independent calculation.
 */
export interface Expected {
  played: number;
  total: number;
  plays: number;
  percent: number;
  trackPlays: Map<string, number>;
  albumsCompleted: number;
  albumsInProgress: number;
}

/** The display rule: rounded, never 100% before the end, never 0% once something was played. */
export function displayPercent(played: number, total: number): number {
  if (total === 0) return 0;
  if (played === total) return 100;
  return Math.min(99, Math.max(played > 0 ? 1 : 0, Math.round((100 * played) / total)));
}

export function expectedStats(
  lib: Library,
  history: readonly HistoryRow[],
  artistKey: string,
  users: number[] | 'all',
): Expected {
  const tracks = lib.tracks.filter((t) => t.artistKey === artistKey);
  const inLibrary = new Map(tracks.map((t) => [t.ratingKey, t.albumKey]));
  // A listen paused and resumed is several rows sharing reference_id: it counts as one play.
  const listens = new Map<string, Set<number>>();
  for (const row of history) {
    if (row.media_type !== 'track' || String(row.grandparent_rating_key) !== artistKey) continue;
    if (users !== 'all' && !users.includes(row.user_id)) continue;
    const key = String(row.rating_key);
    if (!inLibrary.has(key)) continue;
    const ids = listens.get(key) ?? new Set<number>();
    ids.add(row.reference_id ?? (row.id as number));
    listens.set(key, ids);
  }
  const trackPlays = new Map([...listens].map(([key, ids]) => [key, ids.size]));
  const albumTotals = new Map<string, number>();
  for (const t of tracks) albumTotals.set(t.albumKey, (albumTotals.get(t.albumKey) ?? 0) + 1);
  const albumPlayed = new Map<string, number>();
  for (const key of trackPlays.keys()) {
    const album = inLibrary.get(key) as string;
    albumPlayed.set(album, (albumPlayed.get(album) ?? 0) + 1);
  }
  let albumsCompleted = 0;
  let albumsInProgress = 0;
  for (const [album, total] of albumTotals) {
    const played = albumPlayed.get(album) ?? 0;
    if (played === total) albumsCompleted++;
    else if (played > 0) albumsInProgress++;
  }
  const plays = [...trackPlays.values()].reduce((a, b) => a + b, 0);
  return {
    played: trackPlays.size,
    total: tracks.length,
    plays,
    percent: displayPercent(trackPlays.size, tracks.length),
    trackPlays,
    albumsCompleted,
    albumsInProgress,
  };
}
