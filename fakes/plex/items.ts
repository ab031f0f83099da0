import type { LibAlbum, LibArtist, LibItem, LibTrack } from '../library.ts';
import type { FakePlaylist, PlexState } from './state.ts';

/**
 * Plex JSON for library items, with the field sets of the real captures (music_library.json,
 * music_albums.json, music_tracks.json, metadata_157786.json): typed values, ratingKey as a string,
 * `Guid` only when asked for (includeGuids=1, or /library/metadata/{k}). Fixture items are served from the
 * captured body with the fake's state laid over it.
 */

export interface ItemOptions {
  guids: boolean;
  /** librarySectionID/Title/Key on each item, as /library/metadata/{k} has them. */
  section?: boolean;
}

const CODEC: Record<string, string> = { flac: 'flac', mp3: 'mp3', aac: 'aac', mp4: 'aac' };
const safe = (name: string) => name.replace(/[/\\:*?"<>|]/g, '_');

export function libraryFields(state: PlexState): Record<string, unknown> {
  return {
    allowSync: true,
    art: '/:/resources/artist-fanart.jpg',
    identifier: 'com.plexapp.plugins.library',
    librarySectionID: Number(state.lib.sectionId),
    librarySectionTitle: state.lib.sectionTitle,
    librarySectionUUID: state.sectionUuid,
    mediaTagPrefix: '/system/bundle/media/flags/',
    mediaTagVersion: 1634922197,
    nocache: true,
  };
}

/** The userRating the fake currently holds for an item (undefined = unrated). */
export function ratingOf(state: PlexState, item: LibItem): number | undefined {
  return item.type === 'track' ? item.userRating : state.ratings.get(item.ratingKey);
}

/** Lays the fake's state (rating, lock) and the asked-for extras over an item, without object spreads. */
function decorate(state: PlexState, item: LibItem, body: Record<string, unknown>, opts: ItemOptions) {
  if (opts.section) {
    body.librarySectionTitle = state.lib.sectionTitle;
    body.librarySectionID = Number(state.lib.sectionId);
    body.librarySectionKey = `/library/sections/${state.lib.sectionId}`;
  }
  const rating = ratingOf(state, item);
  if (rating !== undefined) {
    body.userRating = rating;
    const ratedAt = state.ratedAt.get(item.ratingKey);
    if (ratedAt !== undefined) body.lastRatedAt = ratedAt;
  }
  const locked = state.locked.get(item.ratingKey);
  if (locked?.size) body.Field = [...locked].map((name) => ({ locked: true, name }));
  if (opts.guids && item.mbid) body.Guid = [{ id: `mbid://${item.mbid}` }];
  return body;
}

export function itemJson(state: PlexState, item: LibItem, opts: ItemOptions): Record<string, unknown> {
  const raw = state.fixtures.get(item.ratingKey);
  if (raw) {
    const body = structuredClone(raw);
    if (item.type !== 'track') body.summary = item.summary;
    return decorate(state, item, body, opts);
  }
  const body =
    item.type === 'artist'
      ? artistJson(item)
      : item.type === 'album'
        ? albumJson(state, item)
        : trackJson(state, item);
  return decorate(state, item, body, opts);
}

/** Plex sends titleSort only when it differs from the title (leading article dropped). */
function titleSort(title: string): string | undefined {
  const m = /^(The|A|An) (.+)$/.exec(title);
  return m ? m[2] : undefined;
}

function artistJson(a: LibArtist): Record<string, unknown> {
  return {
    ratingKey: a.ratingKey,
    key: `/library/metadata/${a.ratingKey}/children`,
    guid: a.guid,
    type: 'artist',
    title: a.title,
    titleSort: titleSort(a.title),
    summary: a.summary,
    index: 1,
    thumb: a.thumb,
    addedAt: a.addedAt,
    updatedAt: a.addedAt + 4,
    Genre: a.genres.map((tag) => ({ tag })),
  };
}

function albumJson(state: PlexState, a: LibAlbum): Record<string, unknown> {
  const artist = state.lib.byKey.get(a.artistKey) as LibArtist | undefined;
  return {
    ratingKey: a.ratingKey,
    key: `/library/metadata/${a.ratingKey}/children`,
    parentRatingKey: a.artistKey,
    guid: a.guid,
    parentGuid: artist?.guid,
    type: 'album',
    title: a.title,
    titleSort: titleSort(a.title),
    parentKey: `/library/metadata/${a.artistKey}`,
    parentTitle: a.artistTitle,
    summary: a.summary,
    index: 1,
    year: a.year,
    originallyAvailableAt: `${a.year}-01-01`,
    thumb: a.thumb,
    parentThumb: artist?.thumb,
    leafCount: a.trackCount,
    viewedLeafCount: 0,
    addedAt: a.addedAt,
    updatedAt: a.addedAt + 10,
    loudnessAnalysisVersion: '1',
  };
}

function trackJson(state: PlexState, t: LibTrack): Record<string, unknown> {
  const album = state.lib.byKey.get(t.albumKey) as LibAlbum | undefined;
  const artist = state.lib.byKey.get(t.artistKey) as LibArtist | undefined;
  const year = album?.year ?? 0;
  const ext = t.partKey.slice(t.partKey.lastIndexOf('.') + 1);
  const file = `/data/Music/${safe(t.artistTitle)}/${safe(t.albumTitle)} (${year})/${String(t.index).padStart(2, '0')} - ${safe(t.title)}.${ext}`;
  const bitrate = Math.round((t.sizeBytes * 8) / t.durationMs);
  return {
    ratingKey: t.ratingKey,
    key: `/library/metadata/${t.ratingKey}`,
    parentRatingKey: t.albumKey,
    grandparentRatingKey: t.artistKey,
    guid: t.guid,
    parentGuid: album?.guid,
    grandparentGuid: artist?.guid,
    type: 'track',
    title: t.title,
    grandparentKey: `/library/metadata/${t.artistKey}`,
    parentKey: `/library/metadata/${t.albumKey}`,
    grandparentTitle: t.artistTitle,
    parentTitle: t.albumTitle,
    originalTitle: t.originalTitle,
    summary: '',
    index: t.index,
    parentIndex: t.discIndex,
    parentYear: year,
    thumb: album?.thumb,
    parentThumb: album?.thumb,
    grandparentThumb: artist?.thumb,
    duration: t.durationMs,
    addedAt: album?.addedAt,
    updatedAt: (album?.addedAt ?? 0) + 10,
    musicAnalysisVersion: '1',
    Media: [
      {
        id: Number(t.partId),
        duration: t.durationMs,
        bitrate,
        audioChannels: 2,
        audioCodec: CODEC[t.container] ?? t.container,
        container: t.container,
        Part: [
          {
            id: Number(t.partId),
            key: t.partKey,
            duration: t.durationMs,
            file,
            size: t.sizeBytes,
            container: t.container,
          },
        ],
      },
    ],
  };
}

export function playlistJson(state: PlexState, p: FakePlaylist): Record<string, unknown> {
  let duration = 0;
  for (const entry of p.items) {
    const track = state.lib.byKey.get(entry.ratingKey);
    if (track?.type === 'track') duration += track.durationMs;
  }
  return {
    ratingKey: p.ratingKey,
    key: `/playlists/${p.ratingKey}/items`,
    guid: p.guid,
    type: 'playlist',
    title: p.title,
    summary: p.summary,
    smart: p.smart,
    playlistType: p.playlistType,
    composite: `/playlists/${p.ratingKey}/composite/${p.updatedAt}`,
    ...(p.smart
      ? {
          icon: 'playlist://image.smart',
          content: `library://${state.sectionUuid}/directory/%2Flibrary%2Fsections%2F${state.lib.sectionId}%2Fall%3Ftype%3D10`,
        }
      : {}),
    duration,
    leafCount: p.items.length,
    addedAt: p.addedAt,
    updatedAt: p.updatedAt,
  };
}
