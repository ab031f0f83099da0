import type { LibTrack } from '../library.ts';
import { createRng } from '../library.ts';
import type { FakePlaylist, PlexState } from './state.ts';
import { libraryViews } from './state.ts';

/**
 * Playlist state and its rules (api-facts §1 Playlists): items are added by one `uri` with comma-joined
 * keys (an album or artist key adds its tracks; a track already present is added again, as Plex allows),
 * removed one `playlistItemID` at a time, and smart playlists refuse item edits.
 */

export type PlaylistResult =
  | { status: 200; playlist: FakePlaylist; extra?: Record<string, number> }
  | { status: 204 }
  | { status: 400 | 404 };

const URI = /^server:\/\/([^/]+)\/com\.plexapp\.plugins\.library\/library\/metadata\/([^/?]+)$/;

/** Track keys a `server://…/library/metadata/{k1},{k2}` uri names, or null when the uri is not one. */
export function tracksOfUri(state: PlexState, uri: string): string[] | null {
  const m = URI.exec(uri);
  if (!m || m[1] !== state.lib.machineIdentifier) return null;
  const index = libraryViews(state.lib).index;
  const keys: string[] = [];
  for (const key of (m[2] as string).split(',')) {
    const item = state.lib.byKey.get(key.trim());
    if (item?.type === 'track') keys.push(item.ratingKey);
    else if (item?.type === 'album') keys.push(...(index.tracksByAlbum.get(item.ratingKey) ?? []).map(rk));
    else if (item?.type === 'artist') keys.push(...(index.tracksByArtist.get(item.ratingKey) ?? []).map(rk));
  }
  return keys;
}

const rk = (t: LibTrack) => t.ratingKey;
const now = () => Math.floor(Date.now() / 1000);

export function addPlaylist(
  state: PlexState,
  spec: { title: string; smart?: boolean; ratingKeys: string[]; summary?: string },
): FakePlaylist {
  const ratingKey = String(state.nextPlaylistKey++);
  const h = createRng(Number(ratingKey)).hex(32);
  const ts = now();
  const playlist: FakePlaylist = {
    ratingKey,
    title: spec.title,
    summary: spec.summary ?? '',
    smart: spec.smart ?? false,
    playlistType: 'audio',
    guid: `com.plexapp.agents.none://${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`,
    addedAt: ts,
    updatedAt: ts,
    items: [],
  };
  appendItems(state, playlist, spec.ratingKeys);
  state.playlists.push(playlist);
  return playlist;
}

function appendItems(state: PlexState, playlist: FakePlaylist, keys: string[]): void {
  for (const ratingKey of keys) {
    playlist.items.push({ playlistItemID: state.nextPlaylistItemId++, ratingKey });
  }
  playlist.updatedAt = now();
}

export function findPlaylist(state: PlexState, id: string): FakePlaylist | undefined {
  return state.playlists.find((p) => p.ratingKey === id);
}

/** POST /playlists?type=audio&title=…&smart=0&uri=… */
export function createPlaylist(state: PlexState, query: Record<string, string>): PlaylistResult {
  if (!query.title || !['audio', 'video', 'photo'].includes(query.type ?? '')) return { status: 400 };
  if (query.type !== 'audio') return { status: 400 }; // the fake library holds music only
  const keys = query.uri === undefined ? [] : tracksOfUri(state, query.uri);
  if (keys === null) return { status: 400 };
  const playlist = addPlaylist(state, { title: query.title, smart: query.smart === '1', ratingKeys: keys });
  return { status: 200, playlist };
}

/** PUT /playlists/{id}/items?uri=… */
export function addItems(state: PlexState, id: string, query: Record<string, string>): PlaylistResult {
  const playlist = findPlaylist(state, id);
  if (!playlist) return { status: 404 };
  if (playlist.smart) return { status: 400 };
  const keys = query.uri === undefined ? null : tracksOfUri(state, query.uri);
  if (keys === null) return { status: 400 };
  appendItems(state, playlist, keys);
  return { status: 200, playlist, extra: { leafCountAdded: keys.length, leafCountRequested: keys.length } };
}

/** DELETE /playlists/{id}/items/{playlistItemID} */
export function removeItem(state: PlexState, id: string, itemId: string): PlaylistResult {
  const playlist = findPlaylist(state, id);
  if (!playlist) return { status: 404 };
  if (playlist.smart) return { status: 400 };
  const at = playlist.items.findIndex((item) => String(item.playlistItemID) === itemId);
  if (at < 0) return { status: 404 };
  playlist.items.splice(at, 1);
  playlist.updatedAt = now();
  return { status: 200, playlist };
}

/** DELETE /playlists/{id}/items (clear) */
export function clearItems(state: PlexState, id: string): PlaylistResult {
  const playlist = findPlaylist(state, id);
  if (!playlist) return { status: 404 };
  if (playlist.smart) return { status: 400 };
  playlist.items = [];
  playlist.updatedAt = now();
  return { status: 200, playlist };
}

/** PUT /playlists/{id}/items/{playlistItemID}/move?after={playlistItemID} (no `after`: to the top) */
export function moveItem(state: PlexState, id: string, itemId: string, after?: string): PlaylistResult {
  const playlist = findPlaylist(state, id);
  if (!playlist) return { status: 404 };
  if (playlist.smart) return { status: 400 };
  const from = playlist.items.findIndex((item) => String(item.playlistItemID) === itemId);
  if (from < 0) return { status: 404 };
  if (after !== undefined && !playlist.items.some((i) => String(i.playlistItemID) === after)) {
    return { status: 404 };
  }
  const [moved] = playlist.items.splice(from, 1) as FakePlaylist['items'];
  const to =
    after === undefined ? 0 : playlist.items.findIndex((i) => String(i.playlistItemID) === after) + 1;
  playlist.items.splice(to, 0, moved as FakePlaylist['items'][number]);
  playlist.updatedAt = now();
  return { status: 200, playlist };
}

/** PUT /playlists/{id}?title=…&summary=… */
export function updatePlaylist(state: PlexState, id: string, query: Record<string, string>): PlaylistResult {
  const playlist = findPlaylist(state, id);
  if (!playlist) return { status: 404 };
  if (query.title !== undefined) playlist.title = query.title;
  if (query.summary !== undefined) playlist.summary = query.summary;
  playlist.updatedAt = now();
  return { status: 204 };
}

/** DELETE /playlists/{id} */
export function deletePlaylist(state: PlexState, id: string): PlaylistResult {
  const at = state.playlists.findIndex((p) => p.ratingKey === id);
  if (at < 0) return { status: 404 };
  state.playlists.splice(at, 1);
  return { status: 204 };
}

/** GET /playlists?playlistType=audio&smart=0|1 (type=15 is the same flat list here) */
export function listPlaylists(state: PlexState, query: Record<string, string>): FakePlaylist[] {
  return state.playlists.filter(
    (p) =>
      (query.playlistType === undefined || query.playlistType === p.playlistType) &&
      (query.smart === undefined || (query.smart === '1') === p.smart),
  );
}
