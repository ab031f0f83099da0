import type { AlbumProgress, ListenerStats } from '../../services/listening/stats.ts';
import { albumsToShow } from './completion-card.ts';
import type { BattleCardInput, CompletionCardInput } from './types.ts';

/**
 * From listening stats to what the renderers draw, and which images to fetch for it (only the shown ones:
 * an artist with 120 albums gets 40 cells, not 120 cover requests).
 */

/** The size asked of Plex for covers and artist art alike: about the largest either is drawn. */
export const COVER_SIZE = 220;

/** Albums on a battle card's head-to-head strip. */
const BATTLE_ALBUMS = 8;

type Covers = ReadonlyMap<string, Buffer>;
type Artist = { title: string; thumb: string | undefined };

const thumbs = (artist: Artist, albums: readonly AlbumProgress[]): string[] =>
  [artist.thumb, ...albums.map((album) => album.thumb)].filter((t): t is string => Boolean(t));

const image = (thumb: string | undefined, covers: Covers) => (thumb ? covers.get(thumb) : undefined);

export function completionThumbs(artist: Artist, stats: ListenerStats): string[] {
  return thumbs(artist, albumsToShow(stats.albums));
}

export function completionCardInput(
  artist: Artist,
  listener: string,
  stats: ListenerStats,
  covers: Covers,
): CompletionCardInput {
  return {
    artist: artist.title,
    art: image(artist.thumb, covers),
    listener,
    played: stats.played,
    total: stats.total,
    plays: stats.plays,
    albums: stats.albums.map((album) => ({
      key: album.key,
      title: album.title,
      year: album.year,
      played: album.played,
      total: album.total,
      cover: image(album.thumb, covers),
    })),
  };
}

/** Albums either of them played, most heard by the two together first (by share, then library order). */
export function contestedAlbums(
  a: ListenerStats,
  b: ListenerStats,
): Array<AlbumProgress & { playedB: number }> {
  const playedB = new Map(b.albums.map((album) => [album.key, album.played]));
  const all = a.albums.map((album) => ({ ...album, playedB: playedB.get(album.key) ?? 0 }));
  const share = (x: (typeof all)[number]) => (x.played + x.playedB) / Math.max(1, x.total);
  const heard = all.filter((album) => album.played + album.playedB > 0);
  // Array.prototype.sort is stable: equal shares keep the library's (year) order.
  return (heard.length > 0 ? heard : all).sort((x, y) => share(y) - share(x)).slice(0, BATTLE_ALBUMS);
}

export function battleThumbs(artist: Artist, a: ListenerStats, b: ListenerStats): string[] {
  return thumbs(artist, contestedAlbums(a, b));
}

export function battleCardInput(
  artist: Artist,
  a: { name: string; stats: ListenerStats },
  b: { name: string; stats: ListenerStats },
  winner: 'a' | 'b' | null,
  covers: Covers,
): BattleCardInput {
  const side = (s: { name: string; stats: ListenerStats }) => ({
    name: s.name,
    played: s.stats.played,
    total: s.stats.total,
    plays: s.stats.plays,
    albumsCompleted: s.stats.albumsCompleted,
  });
  return {
    artist: artist.title,
    art: image(artist.thumb, covers),
    a: side(a),
    b: side(b),
    winner,
    albums: contestedAlbums(a.stats, b.stats).map((album) => ({
      key: album.key,
      title: album.title,
      total: album.total,
      playedA: album.played,
      playedB: album.playedB,
      cover: image(album.thumb, covers),
    })),
  };
}
