import type { ServerResponse } from 'node:http';
import type { RecordedHttpRequest } from '../http-fake.ts';
import type { LibArtist, LibItem } from '../library.ts';
import { itemJson, libraryFields } from './items.ts';
import { selectSectionItems } from './query.ts';
import { empty, htmlError, send, sendItems } from './respond.ts';
import { fold, isAlbum, isArtist, libraryViews } from './state.ts';
import type { PlexState } from './state.ts';

const TYPE_NAMES: Record<number, string> = { 8: 'artist', 9: 'album', 10: 'track' };
const TITLE2: Record<number, string> = { 8: 'All Artists', 9: 'All Albums', 10: 'All Tracks' };

/** GET /library/sections/{id}/all?type=8|9|10&… (a music section's default type is 8). */
export function listSection(
  state: PlexState,
  req: RecordedHttpRequest,
  res: ServerResponse,
  id: string,
): void {
  if (id !== state.lib.sectionId)
    return id === '1' || id === '2' ? sendItems(state, res, req, {}, []) : htmlError(res, 404);
  const type = Number(req.query.type ?? 8);
  const items = selectSectionItems(state, libraryViews(state.lib), type, req.query);
  sendItems(
    state,
    res,
    req,
    {
      ...libraryFields(state),
      thumb: '/:/resources/artist.png',
      title1: state.lib.sectionTitle,
      title2: TITLE2[type] ?? 'All',
      viewGroup: TYPE_NAMES[type] ?? 'artist',
      viewMode: 65592,
    },
    items,
  );
}

/**
 * PUT /library/sections/{id}/all?type=9&id={rk[,rk]}&summary.value=…&summary.locked=1 — 400 without
 * type or id, 404 when an id is not an item of that type in the section; 200 with no body.
 */
export function editSection(
  state: PlexState,
  req: RecordedHttpRequest,
  res: ServerResponse,
  id: string,
): void {
  if (id !== state.lib.sectionId) return htmlError(res, 404);
  const type = Number(req.query.type);
  if (!req.query.type || !req.query.id || !TYPE_NAMES[type]) return htmlError(res, 400);
  const items = req.query.id.split(',').map((key) => state.lib.byKey.get(key.trim()));
  if (items.some((item) => item?.type !== TYPE_NAMES[type])) return htmlError(res, 404);
  const fields = new Set<string>();
  for (const key of Object.keys(req.query)) {
    const m = /^(\w+)\.(value|locked)$/.exec(key);
    if (m) fields.add(m[1] as string);
  }
  for (const item of items as LibItem[]) {
    for (const field of fields) {
      const value = req.query[`${field}.value`];
      const lockedParam = req.query[`${field}.locked`];
      const locked = lockedParam === undefined ? undefined : lockedParam === '1';
      if (value !== undefined && field === 'summary' && item.type !== 'track') item.summary = value;
      if (locked !== undefined) {
        const set = state.locked.get(item.ratingKey) ?? new Set<string>();
        if (locked) set.add(field);
        else set.delete(field);
        state.locked.set(item.ratingKey, set);
      }
      state.edits.push({
        sectionId: id,
        type,
        ratingKey: item.ratingKey,
        field,
        ...(value === undefined ? {} : { value }),
        ...(locked === undefined ? {} : { locked }),
      });
    }
  }
  empty(res);
}

/** GET /library/metadata/{k[,k2…]} — every known key, with Guids and section fields; 404 if none is known. */
export function metadata(
  state: PlexState,
  req: RecordedHttpRequest,
  res: ServerResponse,
  keys: string,
): void {
  const items = keys
    .split(',')
    .map((key) => state.lib.byKey.get(key))
    .filter((item): item is LibItem => item !== undefined);
  if (items.length === 0) return htmlError(res, 404);
  const { allowSync, identifier, librarySectionID, librarySectionTitle, librarySectionUUID } =
    libraryFields(state);
  send(res, req, {
    MediaContainer: {
      size: items.length,
      allowSync,
      identifier,
      librarySectionID,
      librarySectionTitle,
      librarySectionUUID,
      mediaTagPrefix: '/system/bundle/media/flags/',
      mediaTagVersion: 1634922197,
      Metadata: items.map((item) => itemJson(state, item, { guids: true, section: true })),
    },
  });
}

/** GET /library/metadata/{k}/children (artist → albums, album → tracks) and /allLeaves (all tracks). */
export function children(
  state: PlexState,
  req: RecordedHttpRequest,
  res: ServerResponse,
  key: string,
  leaves: boolean,
): void {
  const item = state.lib.byKey.get(key);
  if (!item) return htmlError(res, 404);
  const { index } = libraryViews(state.lib);
  const base = { ...libraryFields(state), key, parentIndex: 1, viewMode: leaves ? 65593 : 65592 };
  if (isArtist(item)) {
    const albums = index.albumsByArtist.get(key) ?? [];
    const fields = { ...base, parentTitle: item.title, summary: item.summary, thumb: item.thumb };
    if (leaves) {
      const tracks = index.tracksByArtist.get(key) ?? [];
      const title = {
        title1: state.lib.sectionTitle,
        title2: item.title,
        viewGroup: 'track',
        mixedParents: true,
      };
      return sendItems(state, res, req, { ...fields, ...title }, tracks);
    }
    const title = { title1: state.lib.sectionTitle, title2: item.title, viewGroup: 'album' };
    return sendItems(state, res, req, { ...fields, ...title }, albums);
  }
  if (isAlbum(item)) {
    const artist = state.lib.byKey.get(item.artistKey) as LibArtist | undefined;
    return sendItems(
      state,
      res,
      req,
      {
        ...base,
        grandparentRatingKey: Number(item.artistKey),
        grandparentThumb: artist?.thumb,
        grandparentTitle: item.artistTitle,
        parentTitle: item.title,
        thumb: item.thumb,
        title1: item.artistTitle,
        title2: item.title,
        viewGroup: 'track',
        viewMode: 65593,
      },
      index.tracksByAlbum.get(key) ?? [],
    );
  }
  sendItems(state, res, req, { ...base, viewGroup: 'track' }, []);
}

const HUB_TITLES: Record<string, string> = { artist: 'Artists', album: 'Albums', track: 'Tracks' };

/**
 * GET /hubs/search?query=&limit=&sectionId= — one hub per type (artist, album, track), `limit` items each
 * (default 3), matched as case- and accent-insensitive substrings of the title; exact matches first, then
 * prefixes, then word starts. `sectionId` only reorders hubs in Plex, so it changes nothing here.
 */
export function hubSearch(state: PlexState, req: RecordedHttpRequest, res: ServerResponse): void {
  if (req.query.query === undefined) return htmlError(res, 400);
  const q = fold(req.query.query.trim());
  const limit = Math.max(1, Number.parseInt(req.query.limit ?? '3', 10) || 3);
  const views = libraryViews(state.lib);
  const hubs = (['artist', 'album', 'track'] as const).map((type) => {
    const list: LibItem[] =
      type === 'artist' ? views.artists : type === 'album' ? views.albums : views.tracks;
    const ranked: Array<[number, LibItem]> = [];
    if (q) {
      for (const item of list) {
        const title = views.folded.get(item.ratingKey) as string;
        const at = title.indexOf(q);
        if (at < 0) continue;
        const rank = title === q ? 0 : at === 0 ? 1 : /[\s([{"'/-]/.test(title[at - 1] as string) ? 2 : 3;
        ranked.push([rank, item]);
      }
    }
    ranked.sort((a, b) => a[0] - b[0]);
    const items = ranked.slice(0, limit).map(([, item]) => item);
    const hub = {
      title: HUB_TITLES[type],
      type,
      hubIdentifier: type,
      context: `hub.${type}`,
      size: items.length,
      more: ranked.length > items.length,
      style: 'shelf',
    };
    if (items.length === 0) return hub;
    return {
      ...hub,
      hubKey: `/library/metadata/${items.map((i) => i.ratingKey).join(',')}`,
      Metadata: items.map((item) => ({ ...itemJson(state, item, { guids: false, section: true }) })),
    };
  });
  send(res, req, { MediaContainer: { size: hubs.length, Hub: hubs } });
}

/** PUT (or GET) /:/rate?key=&identifier=com.plexapp.plugins.library&rating=0..10 (-1 clears). */
export function rate(state: PlexState, req: RecordedHttpRequest, res: ServerResponse): void {
  const { key, identifier, rating } = req.query;
  if (key === undefined || rating === undefined || identifier === undefined) return htmlError(res, 400);
  if (identifier !== 'com.plexapp.plugins.library') return htmlError(res, 404);
  const value = Number(rating);
  if (rating.trim() === '' || Number.isNaN(value) || (value !== -1 && (value < 0 || value > 10))) {
    return htmlError(res, 400);
  }
  const item = state.lib.byKey.get(key);
  if (!item) return htmlError(res, 404);
  const cleared = value === -1;
  if (item.type === 'track') item.userRating = cleared ? undefined : value;
  else if (cleared) state.ratings.delete(key);
  else state.ratings.set(key, value);
  if (cleared) state.ratedAt.delete(key);
  else state.ratedAt.set(key, Math.floor(Date.now() / 1000));
  state.rated.push({ ratingKey: key, rating: cleared ? null : value });
  empty(res);
}
