import { readFileSync } from 'node:fs';
import {
  ADJECTIVES,
  ALBUM_SUFFIXES,
  BAND_SUFFIXES,
  FIRST_NAMES,
  GENRES,
  LAST_NAMES,
  NOTABLE_ARTISTS,
  NOUNS,
  PLACES,
  SOAD_ALBUMS,
  TRACK_SUFFIXES,
  VERBS,
} from './plex/library-words.ts';

/**
 * Deterministic music libraries for the Plex and Tautulli fakes and the benchmarks. The same options give
 * the same library on every run (seeded PRNG, no clock). With `includeFixtures` the real artists of
 * test/fixtures/plex come first with their real keys, so fixture-based sessions and tests line up.
 */

export interface LibArtist {
  type: 'artist';
  ratingKey: string;
  title: string;
  guid: string;
  mbid?: string;
  thumb: string;
  addedAt: number;
  summary: string;
  genres: string[];
}

export interface LibAlbum {
  type: 'album';
  ratingKey: string;
  title: string;
  artistKey: string;
  artistTitle: string;
  year: number;
  guid: string;
  mbid?: string;
  summary: string;
  thumb: string;
  trackCount: number;
  addedAt: number;
}

export interface LibTrack {
  type: 'track';
  ratingKey: string;
  title: string;
  albumKey: string;
  albumTitle: string;
  artistKey: string;
  artistTitle: string;
  /** The track artist when it differs from the album artist (Plex `originalTitle`). */
  originalTitle?: string;
  index: number;
  discIndex: number;
  durationMs: number;
  /** 0–10 (stars × 2); undefined = unrated. */
  userRating?: number;
  mbid?: string;
  guid: string;
  partId: string;
  /** `/library/parts/{id}/{ts}/file.{ext}` */
  partKey: string;
  sizeBytes: number;
  container: string;
}

export type LibItem = LibArtist | LibAlbum | LibTrack;

export interface Library {
  machineIdentifier: string;
  sectionId: string;
  sectionTitle: string;
  artists: LibArtist[];
  albums: LibAlbum[];
  tracks: LibTrack[];
  byKey: Map<string, LibItem>;
}

export interface GenerateLibraryOptions {
  /** Total artists, the fixture artists included. */
  artists: number;
  albumsPerArtist: number | [number, number];
  tracksPerAlbum: number | [number, number];
  seed?: number;
  sectionId?: string;
  /** Share of generated tracks with a userRating (default 0.12). */
  ratedFraction?: number;
  /** Share of generated artists matched to MusicBrainz (default 0.6); their albums and tracks mostly too. */
  mbidFraction?: number;
  includeFixtures?: boolean;
}

/** Rating keys the fixtures (and fixture-based sessions) use; generated keys never take them. */
const RESERVED_KEYS = new Set<number>([142, 156, 157, 158, 159, 160, 157717, 157785, 157786]);
for (let k = 1430; k <= 1469; k++) RESERVED_KEYS.add(k);
const FIRST_GENERATED_KEY = 10_000;
const FIRST_GENERATED_PART = 200_000;
/** Mostly whole stars, some half stars, exactly 8 (4 stars) often: the sync boundary. */
const RATINGS = [10, 10, 8, 8, 8, 6, 6, 4, 2, 9, 7, 5, 3, 1];

const SCRATCH = Buffer.alloc(64);

/** mulberry32: tiny, fast and good enough for test data. */
export function createRng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  /** Lowercase hex of `length` (even) random digits; one native conversion instead of string building. */
  const hex = (length: number): string => {
    const bytes = length >> 1;
    for (let i = 0; i < bytes; i += 4) SCRATCH.writeUInt32LE(Math.floor(next() * 4294967296), i);
    return SCRATCH.toString('hex', 0, bytes);
  };
  return { next, int, pick, hex, chance: (p: number): boolean => next() < p };
}
export type Rng = ReturnType<typeof createRng>;

/** A random UUID string of the given version (MusicBrainz track ids are v3-shaped, the rest v4). */
function uuid(rng: Rng, version: 3 | 4): string {
  const h = rng.hex(32);
  const variant = '89ab'[rng.int(0, 3)] as string;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${version}${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`;
}

const range = (r: number | [number, number], rng: Rng): number =>
  typeof r === 'number' ? r : rng.int(r[0], r[1]);
const plural = (noun: string): string => (/[a-z]$/.test(noun) && !noun.endsWith('s') ? noun + 's' : noun);

function personName(rng: Rng): string {
  return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
}

function artistName(rng: Rng): string {
  const r = rng.next();
  if (r < 0.35) return personName(rng);
  if (r < 0.5) return `The ${rng.pick(ADJECTIVES)} ${plural(rng.pick(NOUNS))}`;
  if (r < 0.62) return `${personName(rng)} ${rng.pick(BAND_SUFFIXES)}`;
  if (r < 0.72) return `${rng.pick(NOUNS)} & the ${plural(rng.pick(NOUNS))}`;
  if (r < 0.84) return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
  if (r < 0.92) return `${rng.pick(LAST_NAMES)} ${rng.pick(BAND_SUFFIXES)}`;
  return `${rng.pick(FIRST_NAMES)} ${rng.pick(NOUNS)}`;
}

/** Over 100 characters, like the real record titles that break naive embed layouts. */
function longTitle(rng: Rng): string {
  let title = `When the ${rng.pick(NOUNS)} ${rng.pick(VERBS)}s Like a ${rng.pick(NOUNS)}`;
  while (title.length <= 110) title += `, ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
  return title + ` (${rng.pick(ADJECTIVES)} Version)`;
}

function albumTitle(rng: Rng): string {
  const r = rng.next();
  if (r < 0.005) return longTitle(rng);
  if (r < 0.25) return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
  if (r < 0.4) return rng.pick(NOUNS);
  if (r < 0.5) return `The ${rng.pick(NOUNS)} of ${rng.pick(NOUNS)}`;
  if (r < 0.58) return `Live at ${rng.pick(PLACES)}`;
  if (r < 0.7) return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}${rng.pick(ALBUM_SUFFIXES)}`;
  if (r < 0.8) return `Don't ${rng.pick(VERBS)} the ${rng.pick(NOUNS)}`;
  if (r < 0.88) return `${rng.pick(VERBS)}ing ${plural(rng.pick(NOUNS))}`;
  if (r < 0.94) return `"${rng.pick(NOUNS)}" & Other ${plural(rng.pick(NOUNS))}`;
  return `${rng.pick(NOUNS)}: ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
}

function trackTitle(rng: Rng): string {
  const r = rng.next();
  if (r < 0.003) return longTitle(rng);
  if (r < 0.2) return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
  if (r < 0.32) return rng.pick(NOUNS);
  if (r < 0.44) return `${rng.pick(VERBS)} With Me`;
  if (r < 0.54) return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}${rng.pick(TRACK_SUFFIXES)}`;
  if (r < 0.62) return `I'm ${rng.pick(ADJECTIVES)}`;
  if (r < 0.7) return `${rng.pick(NOUNS)} / ${rng.pick(NOUNS)}`;
  if (r < 0.76) return `Interlude`;
  if (r < 0.84) return `(${rng.pick(VERBS)}) the ${rng.pick(NOUNS)}`;
  if (r < 0.92) return `Where the ${plural(rng.pick(NOUNS))} ${rng.pick(VERBS)}`;
  return `${rng.pick(NOUNS)} No. ${rng.int(1, 9)}`;
}

function readPlexFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../test/fixtures/plex/${name}`, import.meta.url), 'utf8')) as T;
}

type FixtureMetadata = Record<string, unknown> & { ratingKey: string; title: string };
const fixtureList = (name: string): FixtureMetadata[] =>
  readPlexFixture<{ MediaContainer: { Metadata: FixtureMetadata[] } }>(name).MediaContainer.Metadata;

/**
 * Generates a library. Sizes: `artists` counts the two fixture artists (Skrillex, System of a Down, whose
 * albums and tracks are fixed), so for exact album/track totals pass `includeFixtures: false`.
 */
export function generateLibrary(opts: GenerateLibraryOptions): Library {
  const rng = createRng(opts.seed ?? 1);
  const ratedFraction = opts.ratedFraction ?? 0.12;
  const mbidFraction = opts.mbidFraction ?? 0.6;
  const lib: Library = {
    machineIdentifier: rng.hex(40),
    sectionId: opts.sectionId ?? '5',
    sectionTitle: 'Music',
    artists: [],
    albums: [],
    tracks: [],
    byKey: new Map(),
  };
  let nextKey = FIRST_GENERATED_KEY;
  const newKey = (): string => {
    while (RESERVED_KEYS.has(nextKey)) nextKey++;
    return String(nextKey++);
  };
  let nextPart = FIRST_GENERATED_PART;
  const add = <T extends LibItem>(item: T): T => {
    if (item.type === 'artist') lib.artists.push(item);
    else if (item.type === 'album') lib.albums.push(item);
    else lib.tracks.push(item);
    lib.byKey.set(item.ratingKey, item);
    return item;
  };
  if (opts.includeFixtures ?? true) {
    addFixtures(add, (durationMs, container, ts, kbps) => {
      const partId = String(nextPart++);
      return {
        partId,
        partKey: `/library/parts/${partId}/${ts}/file.${container}`,
        sizeBytes: Math.round((durationMs * kbps) / 8),
        container,
      };
    });
  }

  const names = new Set(lib.artists.map((a) => a.title));
  let notable = 0;
  let generatedAlbums = 0;
  while (lib.artists.length < opts.artists) {
    let title = notable < NOTABLE_ARTISTS.length ? (NOTABLE_ARTISTS[notable++] as string) : artistName(rng);
    for (let n = 2; names.has(title); n++) title = n < 5 ? artistName(rng) : `${artistName(rng)} ${n}`;
    names.add(title);
    const artistKey = newKey();
    const matched = rng.chance(mbidFraction);
    const addedAt = 1_500_000_000 + rng.int(0, 250_000_000);
    const artist = add<LibArtist>({
      type: 'artist',
      ratingKey: artistKey,
      title,
      guid: matched ? `plex://artist/${rng.hex(24)}` : `local://${artistKey}`,
      mbid: matched ? uuid(rng, 4) : undefined,
      thumb: `/library/metadata/${artistKey}/thumb/${addedAt}`,
      addedAt,
      summary: '',
      genres: [rng.pick(GENRES)],
    });
    let year = rng.int(1955, 2018);
    const albumCount = range(opts.albumsPerArtist, rng);
    for (let a = 0; a < albumCount; a++) {
      const albumKey = newKey();
      const albumMatched = matched && rng.chance(0.9);
      const title = generatedAlbums++ === 1 ? longTitle(rng) : albumTitle(rng);
      const albumAddedAt = addedAt + a * 3600;
      const trackCount = range(opts.tracksPerAlbum, rng);
      const album = add<LibAlbum>({
        type: 'album',
        ratingKey: albumKey,
        title,
        artistKey,
        artistTitle: artist.title,
        year,
        guid: albumMatched ? `plex://album/${rng.hex(24)}` : `local://${albumKey}`,
        mbid: albumMatched ? uuid(rng, 4) : undefined,
        summary: rng.chance(0.3) ? `${title} is a ${year} album by ${artist.title}.` : '',
        thumb: `/library/metadata/${albumKey}/thumb/${albumAddedAt}`,
        trackCount,
        addedAt: albumAddedAt,
      });
      year = Math.min(2024, year + rng.int(1, 4));
      const discs = trackCount > 16 && rng.chance(0.3) ? 2 : 1;
      const perDisc = Math.ceil(trackCount / discs);
      for (let t = 0; t < trackCount; t++) {
        const trackKey = newKey();
        const r = rng.next();
        const seconds = r < 0.03 ? rng.int(600, 1500) : r < 0.06 ? rng.int(20, 70) : rng.int(90, 420);
        const durationMs = seconds * 1000 + rng.int(0, 999);
        const c = rng.next();
        const container = c < 0.7 ? 'flac' : c < 0.95 ? 'mp3' : 'mp4';
        const kbps =
          container === 'flac' ? rng.int(700, 1400) : container === 'mp3' ? rng.pick([320, 256, 192]) : 256;
        const trackMatched = albumMatched && rng.chance(0.9);
        const featuring = rng.chance(0.04) ? `${artist.title} feat. ${personName(rng)}` : undefined;
        const rating = rng.chance(ratedFraction) ? rng.pick(RATINGS) : undefined;
        const partId = String(nextPart++);
        const track: LibTrack = {
          type: 'track',
          ratingKey: trackKey,
          title: generatedAlbums === 1 && t === 2 ? longTitle(rng) : trackTitle(rng),
          albumKey,
          albumTitle: album.title,
          artistKey,
          artistTitle: artist.title,
          originalTitle: featuring,
          index: (t % perDisc) + 1,
          discIndex: Math.floor(t / perDisc) + 1,
          durationMs,
          userRating: rating,
          mbid: trackMatched ? uuid(rng, 3) : undefined,
          guid: trackMatched ? `plex://track/${rng.hex(24)}` : `local://${trackKey}`,
          partId,
          partKey: `/library/parts/${partId}/${albumAddedAt}/file.${container === 'mp4' ? 'm4a' : container}`,
          sizeBytes: Math.round((durationMs * kbps) / 8),
          container,
        };
        lib.tracks.push(track);
        lib.byKey.set(trackKey, track);
      }
    }
  }
  return lib;
}

type TrackFields = Omit<LibTrack, 'type' | 'originalTitle' | 'userRating' | 'mbid'> &
  Partial<Pick<LibTrack, 'originalTitle' | 'userRating' | 'mbid'>>;

/** Every track has every key (optional ones undefined): one hidden class for 100k objects. */
function makeTrack(f: TrackFields): LibTrack {
  return {
    type: 'track',
    ratingKey: f.ratingKey,
    title: f.title,
    albumKey: f.albumKey,
    albumTitle: f.albumTitle,
    artistKey: f.artistKey,
    artistTitle: f.artistTitle,
    originalTitle: f.originalTitle,
    index: f.index,
    discIndex: f.discIndex,
    durationMs: f.durationMs,
    userRating: f.userRating,
    mbid: f.mbid,
    guid: f.guid,
    partId: f.partId,
    partKey: f.partKey,
    sizeBytes: f.sizeBytes,
    container: f.container,
  };
}

type Adder = <T extends LibItem>(item: T) => T;
type PartMaker = (
  durationMs: number,
  container: string,
  ts: number,
  kbps: number,
) => Pick<LibTrack, 'partId' | 'partKey' | 'sizeBytes' | 'container'>;

/** Skrillex (156) with 'Try It Out' (157) and tracks 158–160 exactly as captured; System of a Down (142). */
function addFixtures(add: Adder, part: PartMaker): void {
  const fixtureArtists = fixtureList('music_library.json');
  const artistOf = (key: string): LibArtist => {
    const raw = fixtureArtists.find((a) => a.ratingKey === key) as FixtureMetadata;
    return add<LibArtist>({
      type: 'artist',
      ratingKey: raw.ratingKey,
      title: raw.title,
      guid: String(raw.guid),
      mbid: undefined,
      thumb: String(raw.thumb),
      addedAt: Number(raw.addedAt),
      summary: String(raw.summary),
      genres: (raw.Genre as Array<{ tag: string }>).map((g) => g.tag),
    });
  };
  const skrillex = artistOf('156');
  const rawAlbum = fixtureList('music_albums.json')[0] as FixtureMetadata;
  const rawTracks = fixtureList('music_tracks.json');
  const tryItOut = add<LibAlbum>({
    type: 'album',
    ratingKey: rawAlbum.ratingKey,
    title: rawAlbum.title,
    artistKey: skrillex.ratingKey,
    artistTitle: skrillex.title,
    year: 2003, // the fixture's legacy agent gave no year; the file path says "(2003)"
    guid: String(rawAlbum.guid),
    mbid: undefined,
    summary: String(rawAlbum.summary),
    thumb: String(rawAlbum.thumb),
    trackCount: rawTracks.length,
    addedAt: Number(rawAlbum.addedAt),
  });
  for (const raw of rawTracks) {
    const media = (raw.Media as Array<{ Part: Array<Record<string, string | number>> }>)[0];
    const p = media?.Part[0] ?? {};
    add(
      makeTrack({
        ratingKey: raw.ratingKey,
        title: raw.title,
        albumKey: tryItOut.ratingKey,
        albumTitle: tryItOut.title,
        artistKey: skrillex.ratingKey,
        artistTitle: skrillex.title,
        index: Number(raw.index),
        discIndex: Number(raw.parentIndex),
        durationMs: Number(raw.duration),
        guid: String(raw.guid),
        partId: String(p.id),
        partKey: String(p.key),
        sizeBytes: Number(p.size),
        container: String(p.container),
      }),
    );
  }
  const soad = artistOf('142');
  const ts = 1579519840;
  for (const spec of SOAD_ALBUMS) {
    const album = add<LibAlbum>({
      type: 'album',
      ratingKey: String(spec.key),
      title: spec.title,
      artistKey: soad.ratingKey,
      artistTitle: soad.title,
      year: spec.year,
      guid: `com.plexapp.agents.lastfm://System%20of%20a%20Down/${encodeURIComponent(spec.title)}?lang=en`,
      mbid: undefined,
      summary: '',
      thumb: `/library/metadata/${spec.key}/thumb/${ts}`,
      trackCount: spec.tracks.length,
      addedAt: soad.addedAt,
    });
    spec.tracks.forEach(([key, title, seconds], i) => {
      const durationMs = seconds * 1000 + ((key * 37) % 1000);
      add(
        makeTrack({
          ratingKey: String(key),
          title,
          albumKey: album.ratingKey,
          albumTitle: album.title,
          artistKey: soad.ratingKey,
          artistTitle: soad.title,
          index: i + 1,
          discIndex: 1,
          durationMs,
          guid: `local://${key}`,
          ...part(durationMs, 'flac', ts, 900 + (key % 200)),
        }),
      );
    });
  }
}

export interface LibraryIndex {
  albumsByArtist: Map<string, LibAlbum[]>;
  tracksByAlbum: Map<string, LibTrack[]>;
  tracksByArtist: Map<string, LibTrack[]>;
  trackByPartId: Map<string, LibTrack>;
}

const indexes = new WeakMap<Library, { sizes: string; index: LibraryIndex }>();

/**
 * Lookups by parent, built once per library and rebuilt when items are added or removed. Albums keep
 * library order (year order within an artist); tracks are in disc/track order.
 */
export function libraryIndex(lib: Library): LibraryIndex {
  const sizes = `${lib.artists.length}/${lib.albums.length}/${lib.tracks.length}`;
  const cached = indexes.get(lib);
  if (cached && cached.sizes === sizes) return cached.index;
  const index: LibraryIndex = {
    albumsByArtist: new Map(),
    tracksByAlbum: new Map(),
    tracksByArtist: new Map(),
    trackByPartId: new Map(),
  };
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const album of lib.albums) push(index.albumsByArtist, album.artistKey, album);
  const byDiscAndIndex = (a: LibTrack, b: LibTrack) => a.discIndex - b.discIndex || a.index - b.index;
  for (const track of lib.tracks) {
    push(index.tracksByAlbum, track.albumKey, track);
    index.trackByPartId.set(track.partId, track);
  }
  for (const tracks of index.tracksByAlbum.values()) tracks.sort(byDiscAndIndex);
  for (const [artistKey, albums] of index.albumsByArtist) {
    index.tracksByArtist.set(
      artistKey,
      albums.flatMap((album) => index.tracksByAlbum.get(album.ratingKey) ?? []),
    );
  }
  indexes.set(lib, { sizes, index });
  return index;
}

export { generateHistory, sampleUsers } from './tautulli-history.ts';
export type { HistoryRow, HistoryUser, GenerateHistoryOptions } from './tautulli-history.ts';

/** An artist added to the server after the library was generated (a new key), as a scan would add it. */
export function addArtist(lib: Library, title: string): LibArtist {
  let key = 0;
  for (const existing of lib.byKey.keys()) key = Math.max(key, Number(existing) || 0);
  const artist: LibArtist = {
    type: 'artist',
    ratingKey: String(key + 1),
    title,
    guid: `plex://artist/added-${key + 1}`,
    thumb: `/library/metadata/${key + 1}/thumb/1700000000`,
    addedAt: Math.floor(Date.now() / 1000),
    summary: '',
    genres: [],
  };
  lib.artists.push(artist);
  lib.byKey.set(artist.ratingKey, artist);
  return artist;
}
