import { MB_RELEASES } from './metadata-data.ts';
import type { HistoryRow, LibAlbum, LibArtist, LibTrack, Library } from './library.ts';

/**
 * The albums `/alex help` names as examples (A Love Supreme, Kind of Blue), added to a generated library
 * under their artists with the MusicBrainz ids the MusicBrainz and Discogs fakes know, so `enrich` in the
 * demo finds real-looking credits locally (preview → Apply → undo) instead of calling musicbrainz.org.
 */
export function addSampleJazz(lib: Library): void {
  let key = 980_000;
  for (const release of [MB_RELEASES.aLoveSupreme, MB_RELEASES.kindOfBlue]) {
    const name = release.artist.name;
    let artist = lib.artists.find((a) => a.title === name);
    if (!artist) {
      const template = lib.artists[0] as LibArtist;
      artist = {
        ...structuredClone(template),
        ratingKey: String(key++),
        title: name,
        mbid: release.artist.id,
      };
      lib.artists.push(artist);
      lib.byKey.set(artist.ratingKey, artist);
    }
    artist.genres = ['Jazz'];
    const template = lib.albums.find((a) => a.artistKey === artist.ratingKey) ?? (lib.albums[0] as LibAlbum);
    const album: LibAlbum = {
      ...structuredClone(template),
      ratingKey: String(key++),
      title: release.title,
      artistKey: artist.ratingKey,
      artistTitle: name,
      year: Number(release.date.slice(0, 4)),
      guid: `plex://album/${release.releaseId.replace(/-/g, '').slice(0, 24)}`,
      mbid: release.releaseId,
      summary: `${release.title} is a ${release.date.slice(0, 4)} album by ${name}.`,
      trackCount: release.media.flat().length,
    };
    lib.albums.push(album);
    lib.byKey.set(album.ratingKey, album);
    const trackTemplate = lib.tracks[0] as LibTrack;
    release.media.flat().forEach((spec, i) => {
      const partId = String(970_000 + key);
      const track: LibTrack = {
        ...structuredClone(trackTemplate),
        ratingKey: String(key++),
        title: spec.title,
        albumKey: album.ratingKey,
        albumTitle: album.title,
        artistKey: artist.ratingKey,
        artistTitle: name,
        originalTitle: undefined,
        index: i + 1,
        discIndex: 1,
        durationMs: spec.lengthMs,
        userRating: i === 0 ? 10 : undefined,
        mbid: undefined,
        guid: `local://${key}`,
        partId,
        partKey: `/library/parts/${partId}/${album.addedAt}/file.flac`,
        container: 'flac',
      };
      lib.tracks.push(track);
      lib.byKey.set(track.ratingKey, track);
    });
  }
}

/** The real fixtures' placeholder users, as the people a demo shows (tests keep the fixtures as captured). */
const DEMO_NAMES: Record<string, string> = { user1: 'Jordan', user2: 'Priya' };

/** `value` (users, history, activity) with "user1" and "user2" renamed wherever they appear. */
export function withDemoNames<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value).replace(/\buser[12]\b/g, (name) => DEMO_NAMES[name] as string),
  ) as T;
}

/** Studio albums of Miles Davis's, with a few of their tunes: enough albums for completion to page. */
const MILES_DAVIS_ALBUMS: ReadonlyArray<[number, string, string[]]> = [
  [1957, 'Birth of the Cool', ['Move', 'Jeru', 'Boplicity', 'Israel']],
  [1957, "'Round About Midnight", ["'Round Midnight", 'Ah-Leu-Cha', 'All of You', 'Bye Bye Blackbird']],
  [1957, 'Miles Ahead', ['Springsville', 'Maids of Cadiz', 'The Duke', 'My Ship']],
  [1958, 'Milestones', ['Dr. Jekyll', 'Sid’s Ahead', 'Two Bass Hit', 'Milestones', 'Straight, No Chaser']],
  [1959, 'Porgy and Bess', ['The Buzzard Song', 'Bess, You Is My Woman Now', 'Gone', 'Summertime']],
  [1960, 'Sketches of Spain', ['Concierto de Aranjuez', 'Will o’ the Wisp', 'The Pan Piper', 'Saeta']],
  [
    1961,
    'Someday My Prince Will Come',
    ['Someday My Prince Will Come', 'Old Folks', 'Pfrancing', 'Drad-Dog'],
  ],
  [
    1963,
    'Seven Steps to Heaven',
    ['Basin Street Blues', 'Seven Steps to Heaven', 'I Fall in Love Too Easily'],
  ],
  [1965, 'E.S.P.', ['E.S.P.', 'Eighty-One', 'Little One', 'R.J.', 'Agitation', 'Iris']],
  [
    1967,
    'Miles Smiles',
    ['Orbits', 'Circle', 'Footprints', 'Dolores', 'Freedom Jazz Dance', 'Ginger Bread Boy'],
  ],
  [1967, 'Sorcerer', ['Prince of Darkness', 'Pee Wee', 'Masqualero', 'The Sorcerer', 'Limbo', 'Vonetta']],
  [1968, 'Nefertiti', ['Nefertiti', 'Fall', 'Hand Jive', 'Madness', 'Riot', 'Pinocchio']],
  [1968, 'Miles in the Sky', ['Stuff', 'Paraphernalia', 'Black Comedy', 'Country Son']],
  [
    1969,
    'Filles de Kilimanjaro',
    ['Frelon Brun', 'Tout de Suite', 'Petits Machins', 'Filles de Kilimanjaro'],
  ],
  [1969, 'In a Silent Way', ['Shhh/Peaceful', 'In a Silent Way/It’s About That Time']],
  [1970, 'Bitches Brew', ['Pharaoh’s Dance', 'Bitches Brew', 'Spanish Key', 'John McLaughlin', 'Sanctuary']],
  [1971, 'A Tribute to Jack Johnson', ['Right Off', 'Yesternow']],
  [1972, 'On the Corner', ['On the Corner', 'Black Satin', 'One and One', 'Helen Butte/Mr. Freedom X']],
  [1986, 'Tutu', ['Tutu', 'Tomaas', 'Portia', 'Splatch', 'Backyard Ritual', 'Perfect Way']],
  [1992, 'Doo-Bop', ['Mystery', 'The Doo-Bop Song', 'Chocolate Chip', 'High Speed Chase']],
];

/**
 * Miles Davis's studio albums under the sample library's Miles Davis (the artist `addSampleJazz` gave Kind
 * of Blue), before the play history is made: listeners get more than a page of albums in progress, so the
 * demo's completion answer shows its Previous/Next buttons.
 */
export function addMilesDavisAlbums(lib: Library): void {
  const artist = lib.artists.find((a) => a.title === 'Miles Davis');
  const trackTemplate = lib.tracks.find((t) => t.artistKey === artist?.ratingKey);
  if (!artist || !trackTemplate) throw new Error('addSampleJazz() first: it adds Miles Davis');
  let key = 990_000;
  for (const [year, title, tunes] of MILES_DAVIS_ALBUMS) {
    const ratingKey = String(key++);
    const addedAt = artist.addedAt + key;
    const album: LibAlbum = {
      type: 'album',
      ratingKey,
      title,
      artistKey: artist.ratingKey,
      artistTitle: artist.title,
      year,
      guid: `local://${ratingKey}`,
      summary: `${title} is a ${year} album by Miles Davis.`,
      thumb: `/library/metadata/${ratingKey}/thumb/${addedAt}`,
      trackCount: tunes.length,
      addedAt,
    };
    lib.albums.push(album);
    lib.byKey.set(ratingKey, album);
    tunes.forEach((tune, i) => {
      const trackKey = String(key++);
      const partId = String(2_000_000 + Number(trackKey));
      const track: LibTrack = {
        ...structuredClone(trackTemplate),
        ratingKey: trackKey,
        title: tune,
        albumKey: ratingKey,
        albumTitle: title,
        index: i + 1,
        discIndex: 1,
        durationMs: 300_000 + i * 37_000,
        userRating: undefined,
        mbid: undefined,
        guid: `local://${trackKey}`,
        partId,
        partKey: `/library/parts/${partId}/${addedAt}/file.flac`,
        container: 'flac',
      };
      lib.tracks.push(track);
      lib.byKey.set(trackKey, track);
    });
  }
}

/**
 * Play histories made separately (say, one fan's extra plays of one artist) as one session_history table:
 * in start order, ids renumbered, each resumed play still grouped with the play it resumes.
 */
export function mergeHistories(...sets: HistoryRow[][]): HistoryRow[] {
  const rows = sets
    .flatMap((set, s) => set.map((row) => ({ row, s })))
    .sort((a, b) => a.row.started - b.row.started);
  const ids = new Map(rows.map(({ row, s }, i) => [`${s}:${row.id}`, i + 1]));
  return rows.map(({ row, s }, i) => ({
    ...row,
    id: i + 1,
    row_id: i + 1,
    reference_id: row.reference_id === null ? null : (ids.get(`${s}:${row.reference_id}`) ?? i + 1),
  }));
}
