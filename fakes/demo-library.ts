import { MB_RELEASES } from './metadata-data.ts';
import type { LibAlbum, LibArtist, LibTrack, Library } from './library.ts';

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
