import { readFileSync } from 'node:fs';
import { createRng, libraryIndex } from '../library.ts';
import type { LibAlbum, LibArtist, LibItem, LibTrack, Library, LibraryIndex } from '../library.ts';

/** A playlist the fake holds. Dumb playlists number their entries with playlistItemID (not the ratingKey). */
export interface FakePlaylist {
  ratingKey: string;
  title: string;
  summary: string;
  smart: boolean;
  playlistType: 'audio';
  guid: string;
  addedAt: number;
  updatedAt: number;
  items: Array<{ playlistItemID: number; ratingKey: string }>;
}

/** One field written by `PUT /library/sections/{s}/all` (one entry per id and field). */
export interface PlexEdit {
  sectionId: string;
  type: number;
  ratingKey: string;
  field: string;
  value?: string;
  locked?: boolean;
}

/** One `PUT /:/rate`; `rating` null = cleared with -1. */
export interface PlexRatingChange {
  ratingKey: string;
  rating: number | null;
}

export interface PlexState {
  lib: Library;
  token: string;
  sectionUuid: string;
  /** Raw fixture bodies by ratingKey: fixture items are served as captured, with state laid over. */
  fixtures: Map<string, Record<string, unknown>>;
  locked: Map<string, Set<string>>;
  /** userRating of artists and albums (tracks keep theirs in the library). */
  ratings: Map<string, number>;
  ratedAt: Map<string, number>;
  playlists: FakePlaylist[];
  edits: PlexEdit[];
  rated: PlexRatingChange[];
  nextPlaylistKey: number;
  nextPlaylistItemId: number;
  partData: (track: LibTrack) => Buffer;
}

function readFixture(name: string): { MediaContainer: { Metadata: Array<Record<string, unknown>> } } {
  return JSON.parse(readFileSync(new URL(`../../test/fixtures/plex/${name}`, import.meta.url), 'utf8')) as {
    MediaContainer: { Metadata: Array<Record<string, unknown>> };
  };
}

/** A few KB that start like the container's files and differ per part. */
export function defaultPartData(track: LibTrack): Buffer {
  const magic: Record<string, string> = {
    flac: 'fLaC',
    mp3: 'ID3\u0004',
    aac: '\u00ff\u00f1',
    mp4: '\0\0\0\u0018ftypM4A ',
  };
  const head = Buffer.from(magic[track.container] ?? 'RIFF', 'latin1');
  const rng = createRng(Number(track.partId) || 1);
  const body = Buffer.alloc(4096 - head.length);
  for (let i = 0; i < body.length; i++) body[i] = Math.floor(rng.next() * 256);
  return Buffer.concat([head, body]);
}

export function createState(
  lib: Library,
  token: string,
  partData: ((track: LibTrack) => Buffer) | undefined,
): PlexState {
  const fixtures = new Map<string, Record<string, unknown>>();
  for (const name of ['music_library.json', 'music_albums.json', 'music_tracks.json']) {
    for (const raw of readFixture(name).MediaContainer.Metadata) {
      const item = lib.byKey.get(String(raw.ratingKey));
      if (item && item.title === raw.title) fixtures.set(item.ratingKey, raw);
    }
  }
  let maxKey = 0;
  for (const key of lib.byKey.keys()) maxKey = Math.max(maxKey, Number(key) || 0);
  const rng = createRng(maxKey);
  const h = rng.hex(32);
  return {
    lib,
    token,
    sectionUuid: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`,
    fixtures,
    locked: new Map(),
    ratings: new Map(),
    ratedAt: new Map(),
    playlists: [],
    edits: [],
    rated: [],
    nextPlaylistKey: maxKey + 1000,
    nextPlaylistItemId: 1,
    partData: partData ?? defaultPartData,
  };
}

/** Plex's sort title: case- and accent-folded, without a leading English article. */
export function sortKey(title: string): string {
  return fold(title).replace(ARTICLE, '');
}
const ARTICLE = /^(the|a|an) /;

/** Case- and accent-insensitive form for search. */
export function fold(text: string): string {
  const lower = text.toLowerCase();
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(lower) ? lower : lower.normalize('NFD').replace(/\p{M}/gu, '');
}

export interface LibraryViews {
  index: LibraryIndex;
  /** Default orders of `/library/sections/{id}/all`: artists by title, albums by artist then year, tracks by album. */
  artists: LibArtist[];
  albums: LibAlbum[];
  tracks: LibTrack[];
  sortKeys: Map<string, string>;
  folded: Map<string, string>;
}

const views = new WeakMap<Library, { sizes: string; views: LibraryViews }>();

/** Sorted lists and folded titles, computed once per library size (benchmarks query 100k tracks). */
export function libraryViews(lib: Library): LibraryViews {
  const sizes = `${lib.artists.length}/${lib.albums.length}/${lib.tracks.length}`;
  const cached = views.get(lib);
  if (cached && cached.sizes === sizes) return cached.views;
  const index = libraryIndex(lib);
  const sortKeys = new Map<string, string>();
  const folded = new Map<string, string>();
  for (const item of lib.byKey.values()) {
    const f = fold(item.title);
    folded.set(item.ratingKey, f);
    sortKeys.set(item.ratingKey, f.replace(ARTICLE, ''));
  }
  const key = (item: LibItem) => sortKeys.get(item.ratingKey) as string;
  const byTitle = (a: LibItem, b: LibItem) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  const artists = lib.artists.slice().sort(byTitle);
  const albums = artists.flatMap((artist) => index.albumsByArtist.get(artist.ratingKey) ?? []);
  const tracks = albums.flatMap((album) => index.tracksByAlbum.get(album.ratingKey) ?? []);
  const result = { index, artists, albums, tracks, sortKeys, folded };
  views.set(lib, { sizes, views: result });
  return result;
}

export const isArtist = (item: LibItem | undefined): item is LibArtist => item?.type === 'artist';
export const isAlbum = (item: LibItem | undefined): item is LibAlbum => item?.type === 'album';
export const isTrack = (item: LibItem | undefined): item is LibTrack => item?.type === 'track';
