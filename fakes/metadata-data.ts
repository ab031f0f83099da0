import { readFileSync } from 'node:fs';

/**
 * Release bodies for the MusicBrainz and Discogs fakes.
 *
 * Real bodies: the fixtures in test/fixtures/musicbrainz and test/fixtures/discogs (see SOURCES.md).
 * Composed bodies: jazz releases and edge cases built from the real relation object of
 * recording_credits.json / recording.json (same keys, real relationship type ids) and the real Discogs
 * release shape of releases_8604223.json. Every MBID of a composed entity is synthetic and starts with
 * `fa4e0000-` ("fake"); every composed Discogs id is 99000xx (releases), 98000xx (masters), 99001xx (artists).
 * The musicians and their instruments are the real line-ups of A Love Supreme and Kind of Blue; titles,
 * dates and catalogue numbers are plausible, the ids are not real.
 *
 * Each composed release carries its expected personnel per track (`expected`), written by hand, so tests
 * compute expected credits from data that was not derived from the generated bodies.
 */

export type Json = Record<string, unknown>;

const MB_FIXTURES = new URL('../test/fixtures/musicbrainz/', import.meta.url);
const DISCOGS_FIXTURES = new URL('../test/fixtures/discogs/', import.meta.url);

export function readMusicBrainzFixture<T = Json>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, MB_FIXTURES), 'utf8')) as T;
}

export function readDiscogsFixture<T = Json>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, DISCOGS_FIXTURES), 'utf8')) as T;
}

// ---------------------------------------------------------------------------------------------------------
// MusicBrainz
// ---------------------------------------------------------------------------------------------------------

/** Real fixture ids (Picard's test data). */
export const MB_FIXTURE_RELEASE_ID = 'b84ee12a-09ef-421b-82de-0441a926375b'; // Pink Floyd, The Dark Side of the Moon
export const MB_FIXTURE_RELEASE_GROUP_ID = 'f5093c06-23e3-404f-aeaa-40f72885ee3a';
export const MB_FIXTURE_RECORDING_ID = 'cb2cc207-8125-445c-9ef9-6ea44eee959a'; // Ed Sheeran, Thinking Out Loud
export const MB_FIXTURE_RECORDING_CREDITS_ID = '2d40c8b2-7524-49e3-af44-ebb924c5b023'; // ABBA, Knowing Me, Knowing You

const KIND_CODES = {
  artist: 'a001',
  release: 'e001',
  'release-group': 'e002',
  recording: 'e003',
  track: 'e004',
  label: 'e005',
  attribute: 'e006',
  url: 'e007',
} as const;

/** A synthetic MBID: `fa4e0000-<kind>-4000-8000-<n>`, valid UUID syntax, never a real MusicBrainz id. */
export function fakeMbid(kind: keyof typeof KIND_CODES, n: number): string {
  return `fa4e0000-${KIND_CODES[kind]}-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** Real MusicBrainz ids of relationship types, statuses and types (from the fixtures). */
const REL_TYPE_IDS = {
  recording: {
    instrument: '59054b12-01ac-43ee-a618-285fd397e461',
    vocal: '0fdbe3c6-7700-4a31-ae54-b53f06ae1cfa',
    performer: '628a9658-f54c-4142-b0c0-95f031b544da',
    producer: '5c0ceac3-feb4-41f0-868d-dc06f6e27fc0',
    engineer: '5dcc52af-7064-4051-8d62-7d80f4c3c907',
    arranger: '22661fb8-cdb7-4f67-8385-b2a8be6c9f0d',
  },
  release: { producer: '8bf377ba-8d71-4ecc-97f2-7bb2d8a2a75f' },
  url: { discogs: '4a78823c-1c53-4176-a5f3-58026c76f2bc' },
} as const;
const STATUS_OFFICIAL = { status: 'Official', 'status-id': '4e304316-386d-3409-af2e-78857eec5cfe' };
const PRIMARY_ALBUM = { 'primary-type': 'Album', 'primary-type-id': 'f529b476-6e62-324f-b0aa-1f3e33d313fc' };
const FORMAT_CD = { format: 'CD', 'format-id': '9712d52a-4509-3d4b-a1a2-67c88c643e31' };
const ARTIST_TYPE_IDS = {
  Person: 'b6e035f4-3ce9-331c-97df-83397230b0df',
  Group: 'e431f5f6-b5d2-343d-8b36-72607fffb74b',
};

export interface MbArtist {
  id: string;
  name: string;
  sortName: string;
  type: 'Person' | 'Group';
  disambiguation?: string;
}

export type MbRelType = 'instrument' | 'vocal' | 'performer' | 'producer' | 'engineer' | 'arranger';

export interface MbRel {
  type: MbRelType;
  artist: MbArtist;
  attributes?: string[];
  /** "credited as" per attribute, e.g. `{ 'other vocals': 'chant' }`. */
  attributeCredits?: Record<string, string>;
  /** The artist name as credited on this recording ("" = the artist's name). */
  targetCredit?: string;
  /** Recording date (begin = end), or none. */
  date?: string;
}

/** One expected personnel line for a track: only `instrument`, `vocal` and `performer` relations. */
export interface MbExpectedCredit {
  /** `target-credit` when non-empty, else `artist.name`. */
  name: string;
  artistId: string;
  type: 'instrument' | 'vocal' | 'performer';
  attributes: string[];
  attributeCredits: Record<string, string>;
}

export interface MbTrackSpec {
  title: string;
  lengthMs: number;
  rels: MbRel[];
}

export interface MbComposedRelease {
  key: 'aLoveSupreme' | 'kindOfBlue' | 'edgeCases' | 'noRelations';
  releaseId: string;
  releaseGroupId: string;
  title: string;
  artist: MbArtist;
  date: string;
  barcode: string | null;
  label: { name: string; catalogNumber: string };
  /** Media, each a list of tracks; tracks are numbered "1".."n" per medium. */
  media: MbTrackSpec[][];
  /** Release-level relations (here only producers: never personnel). */
  releaseRels: MbRel[];
  /** The Discogs release linked by a `discogs` url relation (url-rels), if any. */
  discogsReleaseId: number | null;
  /** With artist-rels + recording-level-rels: whether any relation exists at all. */
  hasRelations: boolean;
}

/** Track ids and recording ids of a composed release: `n = releaseNo * 100 + overall track index`. */
export interface MbTrackIds {
  medium: number;
  position: number;
  /** 1-based over the whole release (what Plex calls the track across discs). */
  overall: number;
  number: string;
  title: string;
  trackId: string;
  recordingId: string;
}

const person = (n: number, name: string, sortName: string): MbArtist => ({
  id: fakeMbid('artist', n),
  name,
  sortName,
  type: 'Person',
});
const group = (n: number, name: string, sortName: string): MbArtist => ({
  id: fakeMbid('artist', n),
  name,
  sortName,
  type: 'Group',
});

export const MB_ARTISTS = {
  johnColtrane: person(1, 'John Coltrane', 'Coltrane, John'),
  mccoyTyner: person(2, 'McCoy Tyner', 'Tyner, McCoy'),
  jimmyGarrison: person(3, 'Jimmy Garrison', 'Garrison, Jimmy'),
  elvinJones: person(4, 'Elvin Jones', 'Jones, Elvin'),
  bobThiele: person(5, 'Bob Thiele', 'Thiele, Bob'),
  rudyVanGelder: person(6, 'Rudy Van Gelder', 'Van Gelder, Rudy'),
  milesDavis: person(7, 'Miles Davis', 'Davis, Miles'),
  cannonballAdderley: person(8, 'Cannonball Adderley', 'Adderley, Cannonball'),
  billEvans: person(9, 'Bill Evans', 'Evans, Bill'),
  wyntonKelly: person(10, 'Wynton Kelly', 'Kelly, Wynton'),
  paulChambers: person(11, 'Paul Chambers', 'Chambers, Paul'),
  jimmyCobb: person(12, 'Jimmy Cobb', 'Cobb, Jimmy'),
  irvingTownsend: person(13, 'Irving Townsend', 'Townsend, Irving'),
  fredPlaut: person(14, 'Fred Plaut', 'Plaut, Fred'),
  testQuartet: group(20, 'The Autoalex Test Quartet', 'Autoalex Test Quartet, The'),
  anaPerez: person(21, 'Ana Pérez', 'Pérez, Ana'),
  danaReed: person(22, 'Dana Reed', 'Reed, Dana'),
  samOkafor: person(23, 'Sam Okafor', 'Okafor, Sam'),
  leeMoreau: person(24, 'Lee Moreau', 'Moreau, Lee'),
  raymondBrooks: person(25, 'Raymond Brooks', 'Brooks, Raymond'),
  kimIto: person(26, 'Kim Ito', 'Ito, Kim'),
  testTrio: group(30, 'The Autoalex Test Trio', 'Autoalex Test Trio, The'),
} as const;

const A = MB_ARTISTS;
const inst = (artist: MbArtist, attributes: string[], extra: Partial<MbRel> = {}): MbRel => ({
  type: 'instrument',
  artist,
  attributes,
  ...extra,
});

const LOVE_SUPREME_DATE = '1964-12-09';
const loveSupremeBand = (withChant: boolean): MbRel[] => [
  inst(A.johnColtrane, ['tenor saxophone'], { date: LOVE_SUPREME_DATE }),
  ...(withChant
    ? [
        {
          type: 'vocal',
          artist: A.johnColtrane,
          attributes: ['other vocals'],
          attributeCredits: { 'other vocals': 'chant' },
          date: LOVE_SUPREME_DATE,
        } satisfies MbRel,
      ]
    : []),
  inst(A.mccoyTyner, ['piano'], { date: LOVE_SUPREME_DATE }),
  inst(A.jimmyGarrison, ['double bass'], { date: LOVE_SUPREME_DATE }),
  inst(A.elvinJones, ['drums'], { date: LOVE_SUPREME_DATE }),
  { type: 'engineer', artist: A.rudyVanGelder, date: LOVE_SUPREME_DATE },
];

/** Kind of Blue: track 2 has Wynton Kelly on piano instead of Bill Evans; track 3 has no Cannonball. */
const kindOfBlueBand = (track: number): MbRel[] => {
  const date = track <= 3 ? '1959-03-02' : '1959-04-22';
  return [
    inst(A.milesDavis, ['trumpet'], { date }),
    inst(A.johnColtrane, ['tenor saxophone'], { date }),
    ...(track === 3 ? [] : [inst(A.cannonballAdderley, ['alto saxophone'], { date })]),
    inst(track === 2 ? A.wyntonKelly : A.billEvans, ['piano'], { date }),
    inst(A.paulChambers, ['double bass'], { date }),
    inst(A.jimmyCobb, ['drums'], { date }),
    { type: 'engineer', artist: A.fredPlaut, date },
  ];
};

export const MB_RELEASES: Record<MbComposedRelease['key'], MbComposedRelease> = {
  aLoveSupreme: {
    key: 'aLoveSupreme',
    releaseId: fakeMbid('release', 1),
    releaseGroupId: fakeMbid('release-group', 1),
    title: 'A Love Supreme',
    artist: A.johnColtrane,
    date: '1965-01',
    barcode: null,
    label: { name: 'Impulse!', catalogNumber: 'A-77' },
    media: [
      [
        { title: 'Part I: Acknowledgement', lengthMs: 467_000, rels: loveSupremeBand(true) },
        { title: 'Part II: Resolution', lengthMs: 442_000, rels: loveSupremeBand(false) },
        { title: 'Part III: Pursuance', lengthMs: 645_000, rels: loveSupremeBand(false) },
        { title: 'Part IV: Psalm', lengthMs: 425_000, rels: loveSupremeBand(false) },
      ],
    ],
    releaseRels: [{ type: 'producer', artist: A.bobThiele }],
    discogsReleaseId: 9900001,
    hasRelations: true,
  },
  kindOfBlue: {
    key: 'kindOfBlue',
    releaseId: fakeMbid('release', 2),
    releaseGroupId: fakeMbid('release-group', 2),
    title: 'Kind of Blue',
    artist: A.milesDavis,
    date: '1959-08-17',
    barcode: null,
    label: { name: 'Columbia', catalogNumber: 'CL 1355' },
    media: [
      [
        { title: 'So What', lengthMs: 562_000, rels: kindOfBlueBand(1) },
        { title: 'Freddie Freeloader', lengthMs: 586_000, rels: kindOfBlueBand(2) },
        { title: 'Blue in Green', lengthMs: 337_000, rels: kindOfBlueBand(3) },
        { title: 'All Blues', lengthMs: 693_000, rels: kindOfBlueBand(4) },
        { title: 'Flamenco Sketches', lengthMs: 566_000, rels: kindOfBlueBand(5) },
      ],
    ],
    releaseRels: [{ type: 'producer', artist: A.irvingTownsend }],
    discogsReleaseId: 9900002,
    hasRelations: true,
  },
  edgeCases: {
    key: 'edgeCases',
    releaseId: fakeMbid('release', 3),
    releaseGroupId: fakeMbid('release-group', 3),
    title: 'Edge Cases',
    artist: A.testQuartet,
    date: '2021-05-14',
    barcode: '0000000000017',
    label: { name: 'Autoalex Test Records', catalogNumber: 'AATR-003' },
    media: [
      [
        {
          title: 'Unspecified Instrument',
          lengthMs: 301_000,
          // An instrument relation with empty attributes: "plays an instrument" (unspecified).
          rels: [inst(A.danaReed, []), inst(A.anaPerez, ['piano'])],
        },
        {
          title: 'Generic Performer',
          lengthMs: 254_000,
          rels: [
            { type: 'performer', artist: A.samOkafor, attributes: [] },
            { type: 'vocal', artist: A.leeMoreau, attributes: ['lead vocals'] },
          ],
        },
      ],
      [
        {
          title: 'Credited Names',
          lengthMs: 402_000,
          rels: [
            inst(A.raymondBrooks, ['double bass'], { targetCredit: 'Ray Brooks' }),
            inst(A.anaPerez, ['guitar family'], { attributeCredits: { 'guitar family': 'acoustic guitar' } }),
            inst(A.danaReed, ['additional', 'percussion']),
            { type: 'producer', artist: A.kimIto },
            { type: 'engineer', artist: A.kimIto },
            { type: 'arranger', artist: A.anaPerez },
          ],
        },
        { title: 'No Relations Here', lengthMs: 188_000, rels: [] },
      ],
    ],
    releaseRels: [{ type: 'producer', artist: A.kimIto }],
    discogsReleaseId: 9900003,
    hasRelations: true,
  },
  noRelations: {
    key: 'noRelations',
    releaseId: fakeMbid('release', 4),
    releaseGroupId: fakeMbid('release-group', 4),
    title: 'Quiet Sessions',
    artist: A.testTrio,
    date: '2019-10-04',
    barcode: '0000000000024',
    label: { name: 'Autoalex Test Records', catalogNumber: 'AATR-004' },
    media: [
      [
        { title: 'First Light', lengthMs: 276_000, rels: [] },
        { title: 'Slow Walk', lengthMs: 331_000, rels: [] },
        { title: 'Last Call', lengthMs: 299_000, rels: [] },
      ],
    ],
    releaseRels: [],
    // Not linked: the bot has to find the Discogs release (9900004, same artist and title) by searching.
    discogsReleaseId: null,
    hasRelations: false,
  },
};

const RELEASE_NO: Record<MbComposedRelease['key'], number> = {
  aLoveSupreme: 1,
  kindOfBlue: 2,
  edgeCases: 3,
  noRelations: 4,
};

export function mbTrackIds(release: MbComposedRelease): MbTrackIds[] {
  const out: MbTrackIds[] = [];
  let overall = 0;
  release.media.forEach((tracks, m) =>
    tracks.forEach((track, p) => {
      overall++;
      const n = RELEASE_NO[release.key] * 100 + overall;
      out.push({
        medium: m + 1,
        position: p + 1,
        overall,
        number: String(p + 1),
        title: track.title,
        trackId: fakeMbid('track', n),
        recordingId: fakeMbid('recording', n),
      });
    }),
  );
  return out;
}

/**
 * Expected personnel per track (keyed by the overall 1-based track index), written out by hand.
 * Only instrument, vocal and performer relations; producer/engineer/arranger and release-level producers
 * are not personnel. The name is the credited name (`target-credit` when non-empty).
 */
export const MB_EXPECTED: Record<MbComposedRelease['key'], Record<number, MbExpectedCredit[]>> = (() => {
  const c = (
    artist: MbArtist,
    type: MbExpectedCredit['type'],
    attributes: string[],
    attributeCredits: Record<string, string> = {},
    name = artist.name,
  ): MbExpectedCredit => ({ name, artistId: artist.id, type, attributes, attributeCredits });
  const trane = c(A.johnColtrane, 'instrument', ['tenor saxophone']);
  const chant = c(A.johnColtrane, 'vocal', ['other vocals'], { 'other vocals': 'chant' });
  const tyner = c(A.mccoyTyner, 'instrument', ['piano']);
  const garrison = c(A.jimmyGarrison, 'instrument', ['double bass']);
  const elvin = c(A.elvinJones, 'instrument', ['drums']);
  const miles = c(A.milesDavis, 'instrument', ['trumpet']);
  const cannonball = c(A.cannonballAdderley, 'instrument', ['alto saxophone']);
  const evans = c(A.billEvans, 'instrument', ['piano']);
  const kelly = c(A.wyntonKelly, 'instrument', ['piano']);
  const chambers = c(A.paulChambers, 'instrument', ['double bass']);
  const cobb = c(A.jimmyCobb, 'instrument', ['drums']);
  return {
    aLoveSupreme: {
      1: [trane, chant, tyner, garrison, elvin],
      2: [trane, tyner, garrison, elvin],
      3: [trane, tyner, garrison, elvin],
      4: [trane, tyner, garrison, elvin],
    },
    kindOfBlue: {
      1: [miles, trane, cannonball, evans, chambers, cobb],
      2: [miles, trane, cannonball, kelly, chambers, cobb],
      3: [miles, trane, evans, chambers, cobb],
      4: [miles, trane, cannonball, evans, chambers, cobb],
      5: [miles, trane, cannonball, evans, chambers, cobb],
    },
    edgeCases: {
      1: [c(A.danaReed, 'instrument', []), c(A.anaPerez, 'instrument', ['piano'])],
      2: [c(A.samOkafor, 'performer', []), c(A.leeMoreau, 'vocal', ['lead vocals'])],
      3: [
        c(A.raymondBrooks, 'instrument', ['double bass'], {}, 'Ray Brooks'),
        c(A.anaPerez, 'instrument', ['guitar family'], { 'guitar family': 'acoustic guitar' }),
        c(A.danaReed, 'instrument', ['additional', 'percussion']),
      ],
      4: [],
    },
    noRelations: { 1: [], 2: [], 3: [] },
  };
})();

/** Synthetic ids of relationship attributes (instruments, vocal kinds), per attribute name. */
function attributeId(name: string): string {
  let n = 0;
  for (const ch of name) n = (n * 31 + (ch.codePointAt(0) ?? 0)) % 0xffffffffff;
  return fakeMbid('attribute', n);
}

function artistJson(artist: MbArtist): Json {
  return {
    id: artist.id,
    name: artist.name,
    'sort-name': artist.sortName,
    disambiguation: artist.disambiguation ?? '',
    type: artist.type,
    'type-id': ARTIST_TYPE_IDS[artist.type],
  };
}

function artistCredit(artist: MbArtist): Json[] {
  return [{ name: artist.name, joinphrase: '', artist: { ...artistJson(artist), country: 'US' } }];
}

/** A relation object with exactly the keys of recording_credits.json's artist relations. */
function relationJson(rel: MbRel, level: 'recording' | 'release'): Json {
  const typeIds: Record<string, string> =
    level === 'recording' ? REL_TYPE_IDS.recording : REL_TYPE_IDS.release;
  const typeId = typeIds[rel.type];
  if (!typeId) throw new Error(`no ${level}-level type id for ${rel.type}`);
  const attributes = rel.attributes ?? [];
  const body: Json = {
    type: rel.type,
    'type-id': typeId,
    'target-type': 'artist',
    direction: 'backward',
    attributes,
    'attribute-values': {},
    'attribute-ids': Object.fromEntries(attributes.map((a) => [a, attributeId(a)])),
    'target-credit': rel.targetCredit ?? '',
    'source-credit': '',
    begin: rel.date ?? null,
    end: rel.date ?? null,
    ended: rel.date !== undefined,
    artist: artistJson(rel.artist),
  };
  if (rel.type === 'instrument' || rel.type === 'vocal')
    body['attribute-credits'] = rel.attributeCredits ?? {};
  return body;
}

function discogsUrlRelation(discogsId: number): Json {
  return {
    type: 'discogs',
    'type-id': REL_TYPE_IDS.url.discogs,
    'target-type': 'url',
    direction: 'forward',
    attributes: [],
    'attribute-values': {},
    'target-credit': '',
    'source-credit': '',
    begin: null,
    end: null,
    ended: false,
    url: { id: fakeMbid('url', discogsId), resource: `https://www.discogs.com/release/${discogsId}` },
  };
}

const UNITED_STATES = {
  id: '489ce91b-6658-3307-9877-795b68554c98',
  name: 'United States',
  'sort-name': 'United States',
  disambiguation: '',
  'iso-3166-1-codes': ['US'],
};

/**
 * The full WS/2 JSON body of a composed release, as a lookup with every include would return it; the
 * fake removes what the request's `inc` does not ask for.
 */
export function buildMbRelease(spec: MbComposedRelease): Json {
  const ids = mbTrackIds(spec);
  const credit = artistCredit(spec.artist);
  const firstRelease = spec.date;
  let i = 0;
  const media = spec.media.map((tracks, m) => ({
    position: m + 1,
    title: '',
    ...FORMAT_CD,
    'track-count': tracks.length,
    'track-offset': 0,
    tracks: tracks.map((track) => {
      const id = ids[i++]!;
      return {
        id: id.trackId,
        number: id.number,
        position: id.position,
        title: track.title,
        length: track.lengthMs,
        'artist-credit': credit,
        recording: {
          id: id.recordingId,
          title: track.title,
          length: track.lengthMs,
          disambiguation: '',
          video: false,
          'first-release-date': firstRelease,
          'artist-credit': credit,
          relations: track.rels.map((rel) => relationJson(rel, 'recording')),
        },
      };
    }),
  }));
  const relations = spec.releaseRels.map((rel) => relationJson(rel, 'release'));
  if (spec.discogsReleaseId !== null) relations.push(discogsUrlRelation(spec.discogsReleaseId));
  return {
    id: spec.releaseId,
    title: spec.title,
    ...STATUS_OFFICIAL,
    quality: 'normal',
    packaging: null,
    'packaging-id': null,
    'text-representation': { language: 'eng', script: 'Latn' },
    date: spec.date,
    country: 'US',
    'release-events': [{ date: spec.date, area: UNITED_STATES }],
    barcode: spec.barcode,
    asin: null,
    disambiguation: '',
    'cover-art-archive': { artwork: false, count: 0, front: false, back: false, darkened: false },
    'artist-credit': credit,
    'release-group': {
      id: spec.releaseGroupId,
      title: spec.title,
      ...PRIMARY_ALBUM,
      'secondary-types': [],
      'secondary-type-ids': [],
      'first-release-date': firstRelease,
      disambiguation: '',
      'artist-credit': credit,
      relations: [],
      aliases: [],
    },
    'label-info': [
      {
        'catalog-number': spec.label.catalogNumber,
        label: {
          id: fakeMbid('label', RELEASE_NO[spec.key]),
          name: spec.label.name,
          'sort-name': spec.label.name,
          disambiguation: '',
          'label-code': null,
          aliases: [],
        },
      },
    ],
    media,
    relations,
    aliases: [],
    annotation: null,
    genres: [],
    tags: [],
  };
}

/** Every release the MusicBrainz fake serves by default: the real fixture first, then the composed ones. */
export function defaultMbReleases(): Json[] {
  return [readMusicBrainzFixture('release.json'), ...Object.values(MB_RELEASES).map(buildMbRelease)];
}

/** Standalone recording bodies served by `/ws/2/recording/{id}` besides the recordings of the releases. */
export function defaultMbRecordings(): Json[] {
  return [readMusicBrainzFixture('recording.json'), readMusicBrainzFixture('recording_credits.json')];
}

// ---------------------------------------------------------------------------------------------------------
// Discogs
// ---------------------------------------------------------------------------------------------------------

export const DISCOGS_FIXTURE_RELEASE_IDS = [8604223, 1] as const;
export const DISCOGS_API = 'https://api.discogs.com';

export interface DiscogsArtistRef {
  id: number;
  /** The Discogs name, which may end in a disambiguation (" (2)") or put a leading "The" last. */
  name: string;
}

export interface DiscogsCreditSpec {
  artist: DiscogsArtistRef;
  /** Name as credited on this release ("" = the Discogs name). */
  anv?: string;
  /** Comma-separated roles, each with optional [bracketed detail]. */
  role: string;
  /** "" = whole release; else "A1, B2", "A1 to A2". */
  tracks?: string;
}

export type DiscogsRow =
  | { kind: 'heading'; title: string }
  | { kind: 'track'; position: string; title: string; duration: string; extraartists?: DiscogsCreditSpec[] }
  | {
      kind: 'index';
      title: string;
      extraartists?: DiscogsCreditSpec[];
      subTracks: Array<{
        position: string;
        title: string;
        duration: string;
        extraartists?: DiscogsCreditSpec[];
      }>;
    };

/** One expected personnel line: the credited name (anv, else the name without " (n)", "X, The" → "The X"). */
export interface DiscogsExpectedCredit {
  name: string;
  role: string;
}

export interface DiscogsComposedRelease {
  key: 'aLoveSupreme' | 'kindOfBlue' | 'edgeCases' | 'quietSessions' | 'unknownTakes';
  id: number;
  masterId: number;
  title: string;
  artist: DiscogsArtistRef;
  year: number;
  released: string;
  country: string;
  label: { id: number; name: string; catno: string };
  format: { name: string; qty: string; descriptions: string[] };
  genres: string[];
  styles: string[];
  barcode: string | null;
  tracklist: DiscogsRow[];
  extraartists: DiscogsCreditSpec[];
  /**
   * Personnel per playable position (tracks and index sub-tracks; headings and index rows are not
   * playable), written by hand: instrument and vocal roles only (not Producer, Engineer, Written-By,
   * Mixed By…), one entry per single role after splitting on commas outside brackets.
   */
  expected: Record<string, DiscogsExpectedCredit[]>;
}

const dArtist = (id: number, name: string): DiscogsArtistRef => ({ id, name });
export const DISCOGS_ARTISTS = {
  johnColtrane: dArtist(9900101, 'John Coltrane'),
  mccoyTyner: dArtist(9900102, 'McCoy Tyner'),
  jimmyGarrison: dArtist(9900103, 'Jimmy Garrison'),
  elvinJones: dArtist(9900104, 'Elvin Jones'),
  bobThiele: dArtist(9900105, 'Bob Thiele'),
  rudyVanGelder: dArtist(9900106, 'Rudy Van Gelder'),
  milesDavis: dArtist(9900107, 'Miles Davis'),
  cannonballAdderley: dArtist(9900108, 'Cannonball Adderley'),
  billEvans: dArtist(9900109, 'Bill Evans'),
  wyntonKelly: dArtist(9900110, 'Wynton Kelly'),
  paulChambers: dArtist(9900111, 'Paul Chambers'),
  jimmyCobb: dArtist(9900112, 'Jimmy Cobb'),
  irvingTownsend: dArtist(9900113, 'Irving Townsend'),
  fredPlaut: dArtist(9900114, 'Fred Plaut'),
  testQuartet: dArtist(9900120, 'Autoalex Test Quartet, The'),
  anaPerez: dArtist(9900121, 'Ana Pérez'),
  danaReed: dArtist(9900122, 'Dana Reed'),
  samOkafor: dArtist(9900123, 'Sam Okafor (2)'),
  leeMoreau: dArtist(9900124, 'Lee Moreau'),
  raymondBrooks: dArtist(9900125, 'Raymond Brooks'),
  kimIto: dArtist(9900126, 'Kim Ito'),
  testTrio: dArtist(9900130, 'Autoalex Test Trio, The'),
  unknownBand: dArtist(9900140, 'Nobody Credited'),
} as const;

const D = DISCOGS_ARTISTS;
const cr = (artist: DiscogsArtistRef, role: string, tracks = '', anv = ''): DiscogsCreditSpec => ({
  artist,
  role,
  tracks,
  anv,
});
const tr = (position: string, title: string, duration: string, extraartists?: DiscogsCreditSpec[]) =>
  ({ kind: 'track', position, title, duration, ...(extraartists ? { extraartists } : {}) }) as const;
const ex = (name: string, role: string): DiscogsExpectedCredit => ({ name, role });

const LOVE_SUPREME_BAND = [
  ex('John Coltrane', 'Tenor Saxophone'),
  ex('McCoy Tyner', 'Piano'),
  ex('Jimmy Garrison', 'Bass [Double Bass]'),
  ex('Elvin Jones', 'Drums'),
];
const miles = ex('Miles Davis', 'Trumpet');
const trane = ex('John Coltrane', 'Tenor Saxophone');
const cannonball = ex('Julian "Cannonball" Adderley', 'Alto Saxophone');
const evans = ex('Bill Evans', 'Piano');
const kelly = ex('Wynton Kelly', 'Piano');
const chambers = ex('Paul Chambers', 'Bass [Double Bass]');
const cobb = ex('Jimmy Cobb', 'Drums');
const anaKeys = [ex('Ana Pérez', 'Piano'), ex('Ana Pérez', 'Organ [Hammond B3]')];

export const DISCOGS_RELEASES: Record<DiscogsComposedRelease['key'], DiscogsComposedRelease> = {
  aLoveSupreme: {
    key: 'aLoveSupreme',
    id: 9900001,
    masterId: 9800001,
    title: 'A Love Supreme',
    artist: D.johnColtrane,
    year: 1965,
    released: '1965-01-00',
    country: 'US',
    label: { id: 9900201, name: 'Impulse!', catno: 'A-77' },
    format: { name: 'Vinyl', qty: '1', descriptions: ['LP', 'Album', 'Mono'] },
    genres: ['Jazz'],
    styles: ['Modal', 'Hard Bop'],
    barcode: null,
    tracklist: [
      { kind: 'heading', title: 'A Love Supreme' },
      tr('A1', 'Part I - Acknowledgement', '7:47', [cr(D.johnColtrane, 'Vocals [Chant]')]),
      tr('A2', 'Part II - Resolution', '7:22'),
      tr('B1', 'Part III - Pursuance', '10:45'),
      tr('B2', 'Part IV - Psalm', '7:05'),
    ],
    extraartists: [
      cr(D.johnColtrane, 'Tenor Saxophone'),
      cr(D.mccoyTyner, 'Piano'),
      cr(D.jimmyGarrison, 'Bass [Double Bass]'),
      cr(D.elvinJones, 'Drums'),
      cr(D.bobThiele, 'Producer'),
      cr(D.rudyVanGelder, 'Engineer [Recording]'),
    ],
    expected: {
      A1: [...LOVE_SUPREME_BAND, ex('John Coltrane', 'Vocals [Chant]')],
      A2: LOVE_SUPREME_BAND,
      B1: LOVE_SUPREME_BAND,
      B2: LOVE_SUPREME_BAND,
    },
  },
  kindOfBlue: {
    key: 'kindOfBlue',
    id: 9900002,
    masterId: 9800002,
    title: 'Kind Of Blue',
    artist: D.milesDavis,
    year: 1959,
    released: '1959-08-17',
    country: 'US',
    label: { id: 9900202, name: 'Columbia', catno: 'CL 1355' },
    format: { name: 'Vinyl', qty: '1', descriptions: ['LP', 'Album', 'Mono'] },
    genres: ['Jazz'],
    styles: ['Modal'],
    barcode: null,
    tracklist: [
      tr('A1', 'So What', '9:22', [cr(D.milesDavis, 'Written-By')]),
      tr('A2', 'Freddie Freeloader', '9:46', [cr(D.milesDavis, 'Written-By')]),
      tr('A3', 'Blue In Green', '5:37', [cr(D.milesDavis, 'Written-By'), cr(D.billEvans, 'Written-By')]),
      tr('B1', 'All Blues', '11:33', [cr(D.milesDavis, 'Written-By')]),
      tr('B2', 'Flamenco Sketches', '9:26', [cr(D.milesDavis, 'Written-By'), cr(D.billEvans, 'Written-By')]),
    ],
    extraartists: [
      cr(D.milesDavis, 'Trumpet'),
      cr(D.johnColtrane, 'Tenor Saxophone'),
      cr(D.cannonballAdderley, 'Alto Saxophone', 'A1, A2, B1 to B2', 'Julian "Cannonball" Adderley'),
      cr(D.billEvans, 'Piano', 'A1, A3 to B2'),
      cr(D.wyntonKelly, 'Piano', 'A2'),
      cr(D.paulChambers, 'Bass [Double Bass]'),
      cr(D.jimmyCobb, 'Drums'),
      cr(D.irvingTownsend, 'Producer'),
      cr(D.fredPlaut, 'Engineer [Recording]'),
    ],
    expected: {
      A1: [miles, trane, cannonball, evans, chambers, cobb],
      A2: [miles, trane, cannonball, kelly, chambers, cobb],
      A3: [miles, trane, evans, chambers, cobb],
      B1: [miles, trane, cannonball, evans, chambers, cobb],
      B2: [miles, trane, cannonball, evans, chambers, cobb],
    },
  },
  edgeCases: {
    key: 'edgeCases',
    id: 9900003,
    masterId: 9800003,
    title: 'Edge Cases',
    artist: D.testQuartet,
    year: 2021,
    released: '2021-05-14',
    country: 'US',
    label: { id: 9900203, name: 'Autoalex Test Records', catno: 'AATR-003' },
    format: { name: 'CD', qty: '1', descriptions: ['Album'] },
    genres: ['Jazz'],
    styles: ['Post Bop'],
    barcode: '0000000000017',
    tracklist: [
      { kind: 'heading', title: 'Side A' },
      tr('A1', 'Opening', '5:01', [cr(D.samOkafor, 'Trumpet')]),
      tr('A2', 'Second Thoughts', '4:14'),
      { kind: 'heading', title: 'Side B' },
      {
        kind: 'index',
        title: 'The Suite',
        extraartists: [cr(D.anaPerez, 'Written-By')],
        subTracks: [
          { position: 'B1.1', title: 'Movement I', duration: '3:10' },
          {
            position: 'B1.2',
            title: 'Movement II',
            duration: '3:52',
            extraartists: [cr(D.anaPerez, 'Harpsichord')],
          },
        ],
      },
      tr('B2', 'Closing', '3:08', [cr(D.leeMoreau, 'Vocals')]),
    ],
    extraartists: [
      cr(D.anaPerez, 'Piano, Organ [Hammond B3]'),
      cr(D.danaReed, 'Percussion [Congas, Bongos]', 'A1 to A2'),
      cr(D.raymondBrooks, 'Bass [Double Bass]', 'A1, B2', 'Ray Brooks'),
      cr(D.kimIto, 'Producer, Mixed By'),
      cr(D.kimIto, 'Engineer [Recording]'),
    ],
    expected: {
      A1: [
        ...anaKeys,
        ex('Dana Reed', 'Percussion [Congas, Bongos]'),
        ex('Ray Brooks', 'Bass [Double Bass]'),
        ex('Sam Okafor', 'Trumpet'),
      ],
      A2: [...anaKeys, ex('Dana Reed', 'Percussion [Congas, Bongos]')],
      'B1.1': [...anaKeys],
      'B1.2': [...anaKeys, ex('Ana Pérez', 'Harpsichord')],
      B2: [...anaKeys, ex('Ray Brooks', 'Bass [Double Bass]'), ex('Lee Moreau', 'Vocals')],
    },
  },
  quietSessions: {
    key: 'quietSessions',
    id: 9900004,
    masterId: 9800004,
    title: 'Quiet Sessions',
    artist: D.testTrio,
    year: 2019,
    released: '2019-10-04',
    country: 'US',
    label: { id: 9900203, name: 'Autoalex Test Records', catno: 'AATR-004' },
    format: { name: 'CD', qty: '1', descriptions: ['Album'] },
    genres: ['Jazz'],
    styles: ['Contemporary Jazz'],
    barcode: '0000000000024',
    tracklist: [tr('1', 'First Light', '4:36'), tr('2', 'Slow Walk', '5:31'), tr('3', 'Last Call', '4:59')],
    extraartists: [
      cr(D.anaPerez, 'Piano'),
      cr(D.raymondBrooks, 'Double Bass'),
      cr(D.danaReed, 'Drums', '1 to 2'),
      cr(D.samOkafor, 'Drums', '3'),
      cr(D.kimIto, 'Producer'),
    ],
    expected: {
      1: [ex('Ana Pérez', 'Piano'), ex('Raymond Brooks', 'Double Bass'), ex('Dana Reed', 'Drums')],
      2: [ex('Ana Pérez', 'Piano'), ex('Raymond Brooks', 'Double Bass'), ex('Dana Reed', 'Drums')],
      3: [ex('Ana Pérez', 'Piano'), ex('Raymond Brooks', 'Double Bass'), ex('Sam Okafor', 'Drums')],
    },
  },
  unknownTakes: {
    key: 'unknownTakes',
    id: 9900005,
    masterId: 9800005,
    title: 'Unknown Takes',
    artist: D.unknownBand,
    year: 2018,
    released: '2018-00-00',
    country: 'UK',
    label: { id: 9900203, name: 'Autoalex Test Records', catno: 'AATR-005' },
    format: { name: 'File', qty: '1', descriptions: ['FLAC', 'Album'] },
    genres: ['Jazz'],
    styles: [],
    barcode: null,
    tracklist: [tr('1', 'Take One', '3:00'), tr('2', 'Take Two', '3:30')],
    extraartists: [],
    expected: { 1: [], 2: [] },
  },
};

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** "Autoalex Test Quartet, The" → "The Autoalex Test Quartet"; "Sam Okafor (2)" → "Sam Okafor". */
export function discogsDisplayName(name: string): string {
  const bare = name.replace(/\s+\(\d+\)$/, '');
  const the = /^(.*), (The|A|An)$/.exec(bare);
  return the ? `${the[2]} ${the[1]}` : bare;
}

function creditJson(c: DiscogsCreditSpec): Json {
  return {
    name: c.artist.name,
    anv: c.anv ?? '',
    join: '',
    role: c.role,
    tracks: c.tracks ?? '',
    id: c.artist.id,
    resource_url: `${DISCOGS_API}/artists/${c.artist.id}`,
  };
}

function mainArtistJson(a: DiscogsArtistRef): Json {
  return { ...creditJson({ artist: a, role: '' }), thumbnail_url: '' };
}

/** The full `GET /releases/{id}` body of a composed release, in the shape of releases_8604223.json. */
export function buildDiscogsRelease(spec: DiscogsComposedRelease): Json {
  const main = mainArtistJson(spec.artist);
  const trackArtists = [creditJson({ artist: spec.artist, role: '' })];
  const row = (r: DiscogsRow): Json => {
    if (r.kind === 'heading') return { position: '', type_: 'heading', title: r.title, duration: '' };
    if (r.kind === 'track')
      return {
        position: r.position,
        type_: 'track',
        artists: trackArtists,
        title: r.title,
        ...(r.extraartists ? { extraartists: r.extraartists.map(creditJson) } : {}),
        duration: r.duration,
      };
    return {
      position: '',
      type_: 'index',
      title: r.title,
      ...(r.extraartists ? { extraartists: r.extraartists.map(creditJson) } : {}),
      sub_tracks: r.subTracks.map((s) => ({
        position: s.position,
        type_: 'track',
        title: s.title,
        ...(s.extraartists ? { extraartists: s.extraartists.map(creditJson) } : {}),
        duration: s.duration,
      })),
      duration: '',
    };
  };
  // As Discogs stores it: "Autoalex Test Trio, The" (search titles are built from it).
  const artistsSort = spec.artist.name;
  return {
    id: spec.id,
    status: 'Accepted',
    year: spec.year,
    resource_url: `${DISCOGS_API}/releases/${spec.id}`,
    uri: `https://www.discogs.com/release/${spec.id}-${slug(artistsSort)}-${slug(spec.title)}`,
    artists: [main],
    artists_sort: artistsSort,
    labels: [
      {
        name: spec.label.name,
        catno: spec.label.catno,
        entity_type: '1',
        entity_type_name: 'Label',
        id: spec.label.id,
        resource_url: `${DISCOGS_API}/labels/${spec.label.id}`,
        thumbnail_url: '',
      },
    ],
    series: [],
    companies: [],
    formats: [spec.format],
    data_quality: 'Needs Vote',
    community: {
      have: 10,
      want: 5,
      rating: { count: 3, average: 4.67 },
      submitter: { username: 'autoalex-fake', resource_url: `${DISCOGS_API}/users/autoalex-fake` },
      contributors: [{ username: 'autoalex-fake', resource_url: `${DISCOGS_API}/users/autoalex-fake` }],
      data_quality: 'Needs Vote',
      status: 'Accepted',
    },
    format_quantity: Number(spec.format.qty),
    date_added: '2024-01-01T00:00:00-08:00',
    date_changed: '2024-01-01T00:00:00-08:00',
    num_for_sale: 0,
    lowest_price: null,
    master_id: spec.masterId,
    master_url: `${DISCOGS_API}/masters/${spec.masterId}`,
    title: spec.title,
    country: spec.country,
    released: spec.released,
    notes: 'Composed test release (synthetic ids) for the Autoalex Discogs fake.',
    released_formatted: spec.released,
    identifiers: spec.barcode ? [{ type: 'Barcode', value: spec.barcode }] : [],
    videos: [],
    genres: spec.genres,
    styles: spec.styles,
    tracklist: spec.tracklist.map(row),
    extraartists: spec.extraartists.map(creditJson),
    images: [],
    thumb: '',
    estimated_weight: 230,
    blocked_from_sale: false,
    is_offensive: false,
  };
}

/** Every release the Discogs fake serves by default: the two real fixtures, then the composed ones. */
export function defaultDiscogsReleases(): Json[] {
  return [
    readDiscogsFixture('releases_8604223.json'),
    readDiscogsFixture('releases_1.json'),
    ...Object.values(DISCOGS_RELEASES).map(buildDiscogsRelease),
  ];
}

/** Search-side text folding shared by both fakes: lower case, no diacritics, words only. */
export function searchWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}*?]+/u)
    .filter(Boolean);
}
