import { normalize } from '../library/text-match.ts';
import type { PlexService } from '../plex/client.ts';
import type { PlayCounts } from '../tautulli/client.ts';
import type { HistoryMirror } from './mirror.ts';
import { ALL_TIME } from './period.ts';
import type { Period } from './period.ts';

/**
 * Artist completion: the artist's tracks in Plex (one /allLeaves walk) against the play history for that
 * artist — the local mirror once it is filled (no Tautulli request), until then one paged get_history walk
 * for all requested users. Request count is independent of the number of tracks; tracks no longer in the
 * library are ignored, and plays recorded under a rating key Plex has since changed count for the track
 * with the same album and title.
 */

export interface AlbumProgress {
  key: string;
  title: string;
  year: number | undefined;
  played: number;
  total: number;
  /** Plex image path of the album's cover, for cards. */
  thumb: string | undefined;
}

export interface ListenerStats {
  /** Distinct library tracks played at least once. */
  played: number;
  total: number;
  /** Plays of library tracks. */
  plays: number;
  /** Track rating key → plays. */
  trackPlays: Map<string, number>;
  albums: AlbumProgress[];
  albumsCompleted: number;
}

/** Whose listening a statistic is about: one Plex user, or everyone on the server. */
export type Listener = { kind: 'user'; userId: string; name: string; isCaller: boolean } | { kind: 'all' };

/** The stats key of a listener: its Tautulli user id, or EVERYONE. */
export const listenerId = (listener: Listener): string =>
  listener.kind === 'all' ? EVERYONE : listener.userId;

export interface ArtistStats {
  artistKey: string;
  artistTitle: string;
  /** Plex image path of the artist's picture (from the albums' parentThumb: no extra request). */
  artistThumb: string | undefined;
  /** Track rating key → title and album key. */
  tracks: Map<string, { title: string; albumKey: string }>;
  /** Per listener id ('all' for everyone). */
  listeners: Map<string, ListenerStats>;
  /** The period the plays were counted in. */
  period: Period;
  /** The local history is still loading: these numbers came from Tautulli directly. */
  loading: boolean;
}

/**
 * Stands for everyone on the server as one listener: the stats key, the `user:all` argument and the value
 * carried in component ids all use this one word.
 */
export const EVERYONE = 'all';
/** Stands for every user with plays of the artist, each on their own (the leaderboard), from one walk. */
export const EACH_LISTENER = 'each';

function mergeAll(counts: PlayCounts): Map<string, number> {
  const merged = new Map<string, number>();
  for (const perUser of counts.values()) {
    for (const [key, plays] of perUser) merged.set(key, (merged.get(key) ?? 0) + plays);
  }
  return merged;
}

function statsFor(
  plays: Map<string, number>,
  tracks: ArtistStats['tracks'],
  albums: ReadonlyArray<Omit<AlbumProgress, 'played'>>,
): ListenerStats {
  const trackPlays = new Map<string, number>();
  const playedPerAlbum = new Map<string, number>();
  let total = 0;
  for (const [key, count] of plays) {
    const track = tracks.get(key);
    if (!track || count <= 0) continue; // no longer in the library
    trackPlays.set(key, count);
    total += count;
    playedPerAlbum.set(track.albumKey, (playedPerAlbum.get(track.albumKey) ?? 0) + 1);
  }
  const albumProgress = albums.map((album) => ({ ...album, played: playedPerAlbum.get(album.key) ?? 0 }));
  return {
    played: trackPlays.size,
    total: tracks.size,
    plays: total,
    trackPlays,
    albums: albumProgress,
    albumsCompleted: albumProgress.filter((a) => a.total > 0 && a.played === a.total).length,
  };
}

/** Completion of one artist for each listener id (Tautulli user ids, EVERYONE or EACH_LISTENER). */
export async function artistStats(
  services: { plex: PlexService; history: HistoryMirror },
  artist: { key: string; title: string },
  listenerIds: readonly string[],
  period: Period = ALL_TIME,
): Promise<ArtistStats> {
  const userIds = listenerIds.filter((id) => id !== EVERYONE && id !== EACH_LISTENER);
  const wantsAll = listenerIds.includes(EVERYONE) || listenerIds.includes(EACH_LISTENER);
  const [leaves, children, history] = await Promise.all([
    services.plex.allLeaves(artist.key),
    services.plex.children(artist.key),
    services.history.artistPlays(artist, wantsAll ? 'all' : userIds, period),
  ]);
  const tracks: ArtistStats['tracks'] = new Map();
  const perAlbum = new Map<string, { title: string; total: number }>();
  for (const leaf of leaves) {
    const albumKey = leaf.parentRatingKey ?? '';
    tracks.set(leaf.ratingKey, { title: leaf.title, albumKey });
    const album = perAlbum.get(albumKey) ?? { title: leaf.parentTitle ?? 'Unknown album', total: 0 };
    album.total++;
    perAlbum.set(albumKey, album);
  }
  const counts = countsByTrack(history.plays, leaves);
  const byKey = new Map(children.map((album) => [album.ratingKey, album]));
  const albums = [...perAlbum]
    .map(([key, album]) => ({
      key,
      title: album.title,
      year: byKey.get(key)?.year,
      total: album.total,
      thumb: byKey.get(key)?.thumb,
    }))
    .sort((a, b) => (a.year ?? 9999) - (b.year ?? 9999) || a.title.localeCompare(b.title));
  const listeners = new Map<string, ListenerStats>();
  const ids = listenerIds.flatMap((id) => (id === EACH_LISTENER ? [...counts.keys()] : [id]));
  for (const id of ids) {
    const plays = id === EVERYONE ? mergeAll(counts) : (counts.get(id) ?? new Map<string, number>());
    listeners.set(id, statsFor(plays, tracks, albums));
  }
  return {
    artistKey: artist.key,
    artistTitle: artist.title,
    artistThumb: children.find((album) => album.parentThumb)?.parentThumb,
    tracks,
    listeners,
    period,
    loading: history.loading,
  };
}

/**
 * Plays per user and library track. A key the library no longer has (Plex re-matched or re-added the
 * track; Tautulli keeps the old key) counts for the library track with the same normalised album + title.
 */
function countsByTrack(
  plays: ReadonlyArray<{
    userId: string;
    ratingKey: string;
    albumNorm: string;
    titleNorm: string;
    position: number;
    plays: number;
  }>,
  leaves: readonly LeafTitle[],
): PlayCounts {
  const known = new Set(leaves.map((leaf) => leaf.ratingKey));
  let byTitle: Map<string, string> | undefined;
  const counts: PlayCounts = new Map();
  for (const p of plays) {
    let key: string | undefined = p.ratingKey;
    if (!known.has(key)) {
      if (!p.titleNorm) continue;
      byTitle ??= titleIndex(leaves);
      key =
        byTitle.get(`${p.albumNorm}|${p.position}|${p.titleNorm}`) ??
        byTitle.get(`${p.albumNorm}|${p.titleNorm}`);
      if (!key) continue;
    }
    let perUser = counts.get(p.userId);
    if (!perUser) counts.set(p.userId, (perUser = new Map()));
    perUser.set(key, (perUser.get(key) ?? 0) + p.plays);
  }
  return counts;
}

/** What a Plex track leaf tells about where it sits, to match a play whose rating key changed. */
interface LeafTitle {
  ratingKey: string;
  title: string;
  parentTitle?: string;
  index?: number;
  parentIndex?: number;
}

/** album|position|title and album|title → rating key (an album can hold two tracks of the same title). */
function titleIndex(leaves: readonly LeafTitle[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const leaf of leaves) {
    const album = normalize(leaf.parentTitle ?? '');
    const title = normalize(leaf.title);
    const position = (leaf.parentIndex ?? 0) * 10_000 + (leaf.index ?? 0);
    index.set(`${album}|${position}|${title}`, leaf.ratingKey);
    if (!index.has(`${album}|${title}`)) index.set(`${album}|${title}`, leaf.ratingKey);
  }
  return index;
}

/** "42%": rounded, but never 100% before every track is played, and never 0% once one is. */
export function percent(played: number, total: number): number {
  if (total === 0) return 0;
  if (played >= total) return 100;
  const value = Math.round((played / total) * 100);
  return Math.min(99, Math.max(played > 0 ? 1 : 0, value));
}
