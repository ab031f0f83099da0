import { readFileSync } from 'node:fs';
import { createRng, libraryIndex } from './library.ts';
import type { LibTrack, Library, Rng } from './library.ts';

/**
 * Tautulli play history for the fakes: a generator of `get_history` rows from a generated library, and the
 * users those rows belong to. Row shape and value types follow Tautulli's datafactory.get_datatables_history
 * (Tautulli/Tautulli @ c7153deb): ints for keys, ids, times and flags, strings for titles, null for
 * state/session_key on stored history.
 */

export interface HistoryUser {
  userId: number;
  friendlyName: string;
  username: string;
}

/** One `get_history` row, keys in Tautulli's order. */
export interface HistoryRow {
  reference_id: number | null;
  row_id: number | null;
  id: number | null;
  date: number;
  started: number;
  stopped: number | null;
  /** Kept by Tautulli "for backwards compatibility"; equals play_duration (seconds). */
  duration: number;
  play_duration: number;
  paused_counter: number;
  user_id: number;
  user: string;
  friendly_name: string;
  user_thumb: string;
  platform: string;
  product: string;
  player: string;
  ip_address: string;
  live: number;
  machine_id: string;
  location: string;
  secure: number;
  relayed: number;
  media_type: string;
  rating_key: number;
  parent_rating_key: number;
  grandparent_rating_key: number;
  full_title: string;
  title: string;
  parent_title: string;
  grandparent_title: string;
  original_title: string;
  year: number | null;
  media_index: number | null;
  parent_media_index: number | null;
  thumb: string;
  originally_available_at: string;
  guid: string;
  transcode_decision: string;
  percent_complete: number;
  watched_status: number;
  group_count: number | null;
  group_ids: string | null;
  state: string | null;
  session_key: number | null;
}

/** A `get_users` row in the current format (users.get_users): shared_libraries is a list. */
export interface TautulliUserRow {
  row_id: number;
  user_id: number;
  username: string;
  friendly_name: string;
  thumb: string | null;
  email: string | null;
  is_active: number;
  is_admin: number;
  is_home_user: number | null;
  is_allow_sync: number | null;
  is_restricted: number | null;
  do_notify: number;
  keep_history: number;
  allow_guest: number;
  shared_libraries: string[];
  filter_all: string | null;
  filter_movies: string | null;
  filter_tv: string | null;
  filter_music: string | null;
  filter_photos: string | null;
}

export interface GenerateHistoryOptions {
  seed?: number;
  /** Plays per user, or one count per user in `users` order. */
  playsPerUser: number | number[];
  /** Only play these artists (their tracks must be in the library). */
  artistKeys?: string[];
  /** Unix seconds of the earliest play (default 1700000000, Nov 2023). */
  startTime?: number;
  /** Each user's plays spread over about this many days from startTime (default 365). */
  spanDays?: number;
}

function readTautulliFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../test/fixtures/tautulli/${name}`, import.meta.url), 'utf8')) as T;
}

/**
 * Users for history and get_users: the two from Home Assistant's real capture, the docstring's Jon Snow,
 * and Alex (1001) and Sam (1002), who play music in tautulli-sessions' sampleActivity().
 */
export function sampleUsers(): HistoryUser[] {
  const ha = readTautulliFixture<{ response: { data: Array<Record<string, unknown>> } }>('get_users.json');
  const doc = readTautulliFixture<Array<Record<string, unknown>>>('get_users.docstring_example.json');
  const fromRow = (row: Record<string, unknown>): HistoryUser => ({
    userId: Number(row.user_id),
    username: String(row.username),
    friendlyName: String(row.friendly_name ?? row.username),
  });
  return [
    ...ha.response.data.map(fromRow),
    { userId: 1001, username: 'alex', friendlyName: 'Alex' },
    { userId: 1002, username: 'sam', friendlyName: 'Sam' },
    ...doc.map(fromRow),
  ];
}

/** Users as the real fixtures have them (HA capture, then the docstring), by user_id. */
function fixtureUsers(): Map<number, Record<string, unknown>> {
  const ha = readTautulliFixture<{ response: { data: Array<Record<string, unknown>> } }>('get_users.json');
  const doc = readTautulliFixture<Array<Record<string, unknown>>>('get_users.docstring_example.json');
  return new Map([...ha.response.data, ...doc].map((row) => [Number(row.user_id), row]));
}

/** The avatar URL get_users gives a user, which history rows repeat as user_thumb. */
function thumbOf(known: Map<number, Record<string, unknown>>, userId: number): string {
  const thumb = known.get(userId)?.thumb;
  if (typeof thumb === 'string') return thumb;
  return `https://plex.tv/users/${(userId * 2654435761).toString(16).padStart(16, '0').slice(-16)}/avatar?c=1700000000`;
}

/**
 * `get_users` rows for these users, preceded by the "Local" user (user_id 0) that Tautulli inserts into its
 * database on first start. Users found in the real fixtures keep their fixture values (converted to the
 * current format: shared_libraries as a list, no server_token).
 */
export function tautulliUsers(users: HistoryUser[] = sampleUsers()): TautulliUserRow[] {
  const known = fixtureUsers();
  const local: TautulliUserRow = {
    row_id: 1,
    user_id: 0,
    username: 'Local',
    friendly_name: 'Local',
    thumb: null,
    email: null,
    is_active: 1,
    is_admin: 0,
    is_home_user: null,
    is_allow_sync: null,
    is_restricted: null,
    do_notify: 1,
    keep_history: 1,
    allow_guest: 0,
    shared_libraries: [],
    filter_all: null,
    filter_movies: null,
    filter_tv: null,
    filter_music: null,
    filter_photos: null,
  };
  return [
    local,
    ...users.map((user, i): TautulliUserRow => {
      const row = known.get(user.userId) ?? {};
      const shared = row.shared_libraries ?? ['1', '2', '5'];
      const int = (key: string, fallback: number) => (row[key] === undefined ? fallback : Number(row[key]));
      return {
        row_id: i + 2,
        user_id: user.userId,
        username: user.username,
        friendly_name: user.friendlyName,
        thumb: thumbOf(known, user.userId),
        email: String(row.email ?? `${user.username.replace(/\W+/g, '.').toLowerCase()}@example.com`),
        is_active: int('is_active', 1),
        is_admin: int('is_admin', 0),
        is_home_user: int('is_home_user', 1),
        is_allow_sync: int('is_allow_sync', 1),
        is_restricted: int('is_restricted', 0),
        do_notify: int('do_notify', 1),
        keep_history: int('keep_history', 1),
        allow_guest: int('allow_guest', 0),
        shared_libraries: Array.isArray(shared) ? shared.map(String) : String(shared).split(';'),
        filter_all: String(row.filter_all ?? ''),
        filter_movies: String(row.filter_movies ?? ''),
        filter_tv: String(row.filter_tv ?? ''),
        filter_music: String(row.filter_music ?? ''),
        filter_photos: String(row.filter_photos ?? ''),
      };
    }),
  ];
}

interface Device {
  platform: string;
  product: string;
  player: string;
  location: string;
  ip: string;
  wanIp: string;
  decision: string;
  machineId: string;
}

const DEVICES: Array<Omit<Device, 'machineId' | 'ip' | 'wanIp'>> = [
  { platform: 'Android', product: 'Plexamp', player: 'Pixel 8', location: 'lan', decision: 'direct play' },
  { platform: 'iOS', product: 'Plexamp', player: 'iPhone', location: 'wan', decision: 'transcode' },
  { platform: 'Chrome', product: 'Plex Web', player: 'Chrome', location: 'lan', decision: 'direct play' },
  {
    platform: 'Windows',
    product: 'Plexamp',
    player: 'DESKTOP-4F2K9',
    location: 'lan',
    decision: 'direct play',
  },
  { platform: 'Linux', product: 'Plexamp', player: 'Living Room', location: 'lan', decision: 'copy' },
];

/** Game of Thrones season 6, as in Tautulli's get_history docstring (rating_key 4348 = "The Red Woman"). */
const EPISODES = [
  'The Red Woman',
  'Home',
  'Oathbreaker',
  'Book of the Stranger',
  'The Door',
  'Blood of My Blood',
  'The Broken Man',
  'No One',
  'Battle of the Bastards',
  'The Winds of Winter',
];
const DELETED_TITLES = [
  'Untitled Demo',
  'Hidden Track',
  'Intro (Alternate Take)',
  'Bonus Track',
  'Outro',
  'Skit',
];
/**
 * Deleted tracks (an "Outtakes" album per artist, since removed from Plex) get rating keys far above any
 * generated key, derived from their artist's key; the artist itself is still in the library.
 */
const DELETED_TRACK_KEY = 9_000_000;
const DELETED_ALBUM_KEY = 8_000_000;
const MUSIC_WATCHED_PERCENT = 85;
const TV_WATCHED_PERCENT = 85;

/** Tautulli's watched_status: 1 at the watched threshold, else quarters of it (datafactory.py). */
export function watchedStatus(mediaType: string, percent: number): number {
  const threshold = mediaType === 'track' ? MUSIC_WATCHED_PERCENT : TV_WATCHED_PERCENT;
  const base = threshold / 4;
  if (percent >= threshold) return 1;
  if (percent >= base * 3) return 0.75;
  if (percent >= base * 2) return 0.5;
  if (percent >= base) return 0.25;
  return 0;
}

interface Play {
  user: HistoryUser;
  thumb: string;
  device: Device;
  started: number;
  listened: number;
  paused: number;
  percent: number;
  kind: 'track' | 'deleted' | 'episode';
  track: LibTrack | null;
  artistKey: string;
  n: number;
  resumeOf: Play | null;
  id: number;
  referenceId: number;
}

/**
 * Plays for each user, skewed like real listening: each user has favourite artists (Zipf weights), listens
 * to albums in runs of consecutive tracks, skips some, resumes some (grouped by Tautulli via reference_id),
 * and repeats a few hit tracks many times. About 0.5 % of rows are for tracks no longer in the library and
 * 1.5 % are TV episodes. Rows come back in id order (chronological), ids from 1.
 */
export function generateHistory(
  lib: Library,
  users: HistoryUser[],
  opts: GenerateHistoryOptions,
): HistoryRow[] {
  const rng = createRng(opts.seed ?? 7);
  const index = libraryIndex(lib);
  const artistKeys = (opts.artistKeys ?? lib.artists.map((a) => a.ratingKey)).filter(
    (key) => (index.tracksByArtist.get(key)?.length ?? 0) > 0,
  );
  const startTime = opts.startTime ?? 1_700_000_000;
  const spanSeconds = (opts.spanDays ?? 365) * 86_400;
  const plays: Play[] = [];
  const known = fixtureUsers();
  users.forEach((user, u) => {
    const thumb = thumbOf(known, user.userId);
    const count = Array.isArray(opts.playsPerUser) ? (opts.playsPerUser[u] ?? 0) : opts.playsPerUser;
    if (count > 0 && artistKeys.length === 0)
      throw new Error('generateHistory: no artists with tracks to play');
    const pickArtist = favouriteArtists(artistKeys, rng);
    const devices = [0, 1].slice(0, rng.int(1, 2)).map(() => ({
      ...rng.pick(DEVICES),
      ip: `192.168.1.${rng.int(2, 250)}`,
      wanIp: `203.0.113.${rng.int(2, 250)}`,
      machineId: rng.hex(24),
    }));
    const hits: LibTrack[] = [];
    let clock = startTime + rng.int(0, 86_400);
    // Pauses between listening sessions sized so the user's plays fill about spanDays (~5 plays a session).
    const listening = count * 240;
    const pause = Math.max(600, (spanSeconds - listening) / Math.max(1, count / 5));
    const made = () => plays.length;
    const target = plays.length + count;
    const play = (
      kind: Play['kind'],
      artistKey: string,
      durationMs: number,
      percent: number,
      track: LibTrack | null,
      n = 0,
    ) => {
      const device = rng.pick(devices);
      const listened = Math.round((durationMs / 1000) * (percent / 100));
      const paused = rng.chance(0.03) ? rng.int(5, 120) : 0;
      const p: Play = {
        user,
        thumb,
        device,
        started: clock,
        listened,
        paused,
        percent,
        kind,
        track,
        artistKey,
        n,
        resumeOf: null,
        id: 0,
        referenceId: 0,
      };
      plays.push(p);
      clock += listened + paused + rng.int(0, 4);
      return p;
    };
    const playTrack = (track: LibTrack) => {
      const r = rng.next();
      if (r < 0.08) return play('track', track.artistKey, track.durationMs, rng.int(2, 40), track);
      if (r < 0.11 && target - made() >= 2) {
        const first = play('track', track.artistKey, track.durationMs, rng.int(20, 60), track);
        clock += rng.int(30, 900);
        const rest = 100 - first.percent;
        const second = play('track', track.artistKey, (track.durationMs * rest) / 100, 100, track);
        second.resumeOf = first;
        return second;
      }
      return play('track', track.artistKey, track.durationMs, rng.int(95, 100), track);
    };
    while (made() < target) {
      const r = rng.next();
      const artistKey = pickArtist();
      if (r < 0.015) {
        const n = rng.int(0, EPISODES.length - 1);
        play('episode', '351', 3_300_000 + n * 60_000, rng.int(10, 100), null, n);
      } else if (r < 0.02) {
        play('deleted', artistKey, 200_000 + rng.int(0, 90_000), rng.int(50, 100), null, rng.int(0, 40));
      } else if (r < 0.2 && hits.length > 0) {
        const hit = rng.pick(hits);
        for (let k = rng.int(1, 4); k > 0 && made() < target; k--) playTrack(hit);
      } else {
        const albums = index.albumsByArtist.get(artistKey) ?? [];
        const tracks = index.tracksByAlbum.get(rng.pick(albums).ratingKey) ?? [];
        if (tracks.length === 0) continue;
        const from = rng.chance(0.7) ? 0 : rng.int(0, tracks.length - 1);
        const to = rng.int(from, tracks.length - 1);
        for (let t = from; t <= to && made() < target; t++) {
          const track = tracks[t] as LibTrack;
          playTrack(track);
          if (rng.chance(0.03)) hits.push(track);
        }
      }
      clock += rng.int(60, Math.round(2 * pause));
    }
  });
  plays.sort((a, b) => a.started - b.started);
  plays.forEach((p, i) => {
    p.id = i + 1;
    p.referenceId = p.resumeOf ? p.resumeOf.referenceId : p.id;
  });
  return plays.map((p) => toRow(lib, p));
}

/** A per-user artist picker: 90 % from the user's Zipf-weighted top 40, 10 % any artist. */
function favouriteArtists(artistKeys: string[], rng: Rng): () => string {
  const order = artistKeys.slice();
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j] as string, order[i] as string];
  }
  const top = Math.min(order.length, 40);
  const cumulative: number[] = [];
  let sum = 0;
  for (let i = 0; i < top; i++) cumulative.push((sum += 1 / (i + 1) ** 1.2));
  return () => {
    if (rng.chance(0.1)) return rng.pick(order);
    const x = rng.next() * sum;
    let lo = 0;
    let hi = top - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return order[lo] as string;
  };
}

interface Described {
  mediaType: string;
  keys: [number, number, number];
  titles: [string, string, string];
  originalTitle: string;
  fullTitle: string;
  year: number | null;
  indexes: [number, number];
  thumb: string;
  date: string;
  guid: string;
}

/** What the row says about the item played: a library track, a deleted track or a TV episode. */
function describe(lib: Library, p: Play): Described {
  if (p.kind === 'episode') {
    const title = EPISODES[p.n] as string;
    return {
      mediaType: 'episode',
      keys: [4348 + p.n, 544, 351],
      titles: [title, 'Season 6', 'Game of Thrones'],
      originalTitle: '',
      fullTitle: `Game of Thrones - ${title}`,
      year: 2016,
      indexes: [p.n + 1, 6],
      thumb: '/library/metadata/544/thumb/1462414561',
      date: `2016-${p.n < 6 ? '05' : '06'}-${String(1 + ((p.n * 7) % 28)).padStart(2, '0')}`,
      guid: `com.plexapp.agents.thetvdb://121361/6/${p.n + 1}?lang=en`,
    };
  }
  if (p.kind === 'deleted') {
    const artistTitle = lib.byKey.get(p.artistKey)?.title ?? 'Unknown Artist';
    const slot = p.n % DELETED_TITLES.length;
    const title = DELETED_TITLES[slot] as string;
    const albumKey = DELETED_ALBUM_KEY + Number(p.artistKey);
    const trackKey = DELETED_TRACK_KEY + Number(p.artistKey) * 8 + slot;
    return {
      mediaType: 'track',
      keys: [trackKey, albumKey, Number(p.artistKey)],
      titles: [title, 'Outtakes', artistTitle],
      originalTitle: '',
      fullTitle: `${title} - ${artistTitle}`,
      year: 1999,
      indexes: [slot + 1, 1],
      thumb: `/library/metadata/${albumKey}/thumb/1600000000`,
      date: '',
      guid: `local://${trackKey}`,
    };
  }
  const track = p.track as LibTrack;
  const album = lib.byKey.get(track.albumKey);
  return {
    mediaType: 'track',
    keys: [Number(track.ratingKey), Number(track.albumKey), Number(track.artistKey)],
    titles: [track.title, track.albumTitle, track.artistTitle],
    originalTitle: track.originalTitle ?? '',
    fullTitle: `${track.title} - ${track.originalTitle ?? track.artistTitle}`,
    year: album?.type === 'album' ? album.year : null,
    indexes: [track.index, track.discIndex],
    thumb: album?.type === 'album' ? album.thumb : '',
    date: '',
    guid: track.guid,
  };
}

/** One literal with every key (no spreads): 200k rows share one hidden class and stay small. */
function toRow(lib: Library, p: Play): HistoryRow {
  const d = describe(lib, p);
  const { device, user } = p;
  return {
    reference_id: p.referenceId,
    row_id: p.id,
    id: p.id,
    date: p.started,
    started: p.started,
    stopped: p.started + p.listened + p.paused,
    duration: p.listened,
    play_duration: p.listened,
    paused_counter: p.paused,
    user_id: user.userId,
    user: user.username,
    friendly_name: user.friendlyName,
    user_thumb: p.thumb,
    platform: device.platform,
    product: device.product,
    player: device.player,
    ip_address: device.location === 'lan' ? device.ip : device.wanIp,
    live: 0,
    machine_id: device.machineId,
    location: device.location,
    secure: 1,
    relayed: 0,
    media_type: d.mediaType,
    rating_key: d.keys[0],
    parent_rating_key: d.keys[1],
    grandparent_rating_key: d.keys[2],
    full_title: d.fullTitle,
    title: d.titles[0],
    parent_title: d.titles[1],
    grandparent_title: d.titles[2],
    original_title: d.originalTitle,
    year: d.year,
    media_index: d.indexes[0],
    parent_media_index: d.indexes[1],
    thumb: d.thumb,
    originally_available_at: d.date,
    guid: d.guid,
    transcode_decision: device.decision,
    percent_complete: p.percent,
    watched_status: watchedStatus(d.mediaType, p.percent),
    group_count: 1,
    group_ids: String(p.id),
    state: null,
    session_key: null,
  };
}
