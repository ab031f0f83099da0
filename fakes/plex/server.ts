import type { ServerResponse } from 'node:http';
import { startHttpFake } from '../http-fake.ts';
import type { FailureMode, HttpFake, RecordedHttpRequest } from '../http-fake.ts';
import type { LibTrack, Library } from '../library.ts';
import { playlistJson } from './items.ts';
import { children, editSection, hubSearch, listSection, metadata, rate } from './library-routes.ts';
import { photo, PHOTO_PATH } from './photos.ts';
import * as playlists from './playlists.ts';
import type { PlaylistResult } from './playlists.ts';
import { empty, htmlError, send, sendItems } from './respond.ts';
import { identityBody, rootBody, sectionsBody } from './server-info.ts';
import { createState, libraryViews } from './state.ts';
import type { FakePlaylist, PlexEdit, PlexRatingChange, PlexState } from './state.ts';

export interface PlexFakeOptions {
  /** Default 'fake-plex-token'. */
  token?: string;
  /** Bytes served for a track's media part (default: 4 KiB starting with the container's magic bytes). */
  partData?: (track: LibTrack) => Buffer;
  /** `friendlyName` of `GET /` (default 'Autoalex Test Server'). */
  friendlyName?: string;
}

export interface PlexFake extends HttpFake {
  readonly lib: Library;
  readonly token: string;
  readonly machineIdentifier: string;
  /** Playlists in creation order; the fake's state (mutate via the API or addPlaylist). */
  readonly playlists: FakePlaylist[];
  /** Every field written with `PUT /library/sections/{s}/all`, one entry per id and field. */
  readonly edits: PlexEdit[];
  /** Every `/:/rate` call that changed a rating. */
  readonly ratings: PlexRatingChange[];
  /**
   * How the photo transcoder answers for one item's art, by the rating key in its thumb path (e.g. a slow
   * or missing cover); the others are served normally.
   */
  readonly coverFailures: Map<string, FailureMode>;
  /** Seeds a playlist (smart ones included; duplicate titles allowed, as in Plex). */
  addPlaylist(spec: { title: string; smart?: boolean; ratingKeys: string[]; summary?: string }): FakePlaylist;
}

const token = (req: RecordedHttpRequest): string | undefined => {
  const header = req.headers['x-plex-token'];
  return (Array.isArray(header) ? header[0] : header) ?? req.query['X-Plex-Token'];
};

const CONTENT_TYPES: Record<string, string> = {
  flac: 'audio/flac',
  mp3: 'audio/mpeg',
  aac: 'audio/aac',
  mp4: 'audio/mp4',
};

/**
 * A Plex Media Server on 127.0.0.1 serving a generated library (api-facts §1): token check (401 HTML),
 * JSON or XML by Accept, section listing with filters/sort/paging, metadata, children/allLeaves, hub
 * search, album summary edits, ratings, playlists with state, media part downloads and the photo
 * transcoder (generated covers). The http-fake failure modes apply to every route.
 */
export async function startPlexFake(lib: Library, opts: PlexFakeOptions = {}): Promise<PlexFake> {
  const state = createState(lib, opts.token ?? 'fake-plex-token', opts.partData);
  const friendlyName = opts.friendlyName ?? 'Autoalex Test Server';
  libraryViews(lib); // sort and fold titles now, not during the first timed request
  const coverFailures = new Map<string, FailureMode>();
  const photos = new Map<string, Buffer>();
  const fake = await startHttpFake((req, res) =>
    req.path === PHOTO_PATH && req.method === 'GET' && token(req) === state.token
      ? photo(state, coverFailures, photos, req, res)
      : route(state, friendlyName, req, res),
  );
  return Object.assign(fake, {
    lib,
    token: state.token,
    machineIdentifier: lib.machineIdentifier,
    playlists: state.playlists,
    edits: state.edits,
    ratings: state.rated,
    coverFailures,
    addPlaylist: (spec: Parameters<PlexFake['addPlaylist']>[0]) => playlists.addPlaylist(state, spec),
  });
}

function route(state: PlexState, friendlyName: string, req: RecordedHttpRequest, res: ServerResponse): void {
  const { method, path } = req;
  if (path === '/identity' && method === 'GET') return send(res, req, identityBody(state));
  if (token(req) !== state.token) return htmlError(res, 401);
  let m: RegExpExecArray | null;
  if (path === '/' && method === 'GET') return send(res, req, rootBody(state, friendlyName));
  if (path === '/library/sections' && method === 'GET') return send(res, req, sectionsBody(state));
  if ((m = /^\/library\/sections\/([^/]+)\/all$/.exec(path))) {
    if (method === 'GET') return listSection(state, req, res, m[1] as string);
    if (method === 'PUT') return editSection(state, req, res, m[1] as string);
  }
  if ((m = /^\/library\/metadata\/([^/]+)(?:\/(children|allLeaves))?$/.exec(path)) && method === 'GET') {
    if (!m[2]) return metadata(state, req, res, m[1] as string);
    return children(state, req, res, m[1] as string, m[2] === 'allLeaves');
  }
  if (path === '/hubs/search' && method === 'GET') return hubSearch(state, req, res);
  if (path === '/:/rate' && (method === 'PUT' || method === 'GET')) return rate(state, req, res);
  if ((m = /^\/library\/parts\/(\d+)\/\d+\/file\.\w+$/.exec(path)) && method === 'GET') {
    return part(state, req, res, m[1] as string);
  }
  if (path.startsWith('/playlists')) return playlistRoute(state, req, res);
  htmlError(res, 404);
}

function part(state: PlexState, req: RecordedHttpRequest, res: ServerResponse, partId: string): void {
  const track = libraryViews(state.lib).index.trackByPartId.get(partId);
  if (!track) return htmlError(res, 404);
  const data = state.partData(track);
  const name = track.partKey.slice(track.partKey.lastIndexOf('/') + 1);
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[track.container] ?? 'application/octet-stream',
    'content-length': String(data.length),
    'accept-ranges': 'bytes',
    ...(req.query.download === '1' ? { 'content-disposition': `attachment; filename="${name}"` } : {}),
  });
  res.end(data);
}

function playlistRoute(state: PlexState, req: RecordedHttpRequest, res: ServerResponse): void {
  const { method, path, query } = req;
  const reply = (result: PlaylistResult) => {
    if (result.status === 204) return empty(res, 204);
    if (result.status !== 200) return htmlError(res, result.status);
    const body = { size: 1, ...result.extra, Metadata: [playlistJson(state, result.playlist)] };
    send(res, req, { MediaContainer: body });
  };
  if (path === '/playlists') {
    if (method === 'GET') {
      const list = playlists.listPlaylists(state, query).map((p) => playlistJson(state, p));
      return send(res, req, {
        MediaContainer: { size: list.length, ...(list.length ? { Metadata: list } : {}) },
      });
    }
    if (method === 'POST') return reply(playlists.createPlaylist(state, query));
  }
  let m: RegExpExecArray | null;
  if ((m = /^\/playlists\/(\d+)$/.exec(path))) {
    const id = m[1] as string;
    if (method === 'GET') {
      const p = playlists.findPlaylist(state, id);
      return p ? reply({ status: 200, playlist: p }) : htmlError(res, 404);
    }
    if (method === 'PUT') return reply(playlists.updatePlaylist(state, id, query));
    if (method === 'DELETE') return reply(playlists.deletePlaylist(state, id));
  }
  if ((m = /^\/playlists\/(\d+)\/items$/.exec(path))) {
    const id = m[1] as string;
    if (method === 'GET') return playlistItems(state, req, res, id);
    if (method === 'PUT') return reply(playlists.addItems(state, id, query));
    if (method === 'DELETE') return reply(playlists.clearItems(state, id));
  }
  if ((m = /^\/playlists\/(\d+)\/items\/(\d+)$/.exec(path)) && method === 'DELETE') {
    return reply(playlists.removeItem(state, m[1] as string, m[2] as string));
  }
  if ((m = /^\/playlists\/(\d+)\/items\/(\d+)\/move$/.exec(path)) && method === 'PUT') {
    return reply(playlists.moveItem(state, m[1] as string, m[2] as string, query.after));
  }
  htmlError(res, 404);
}

/**
 * GET /playlists/{id}/items: tracks with `playlistItemID` (dumb playlists only). The container's
 * `duration` is in seconds, as in the captured streammusic_playlist_items.xml, while items give ms.
 */
function playlistItems(state: PlexState, req: RecordedHttpRequest, res: ServerResponse, id: string): void {
  const playlist = playlists.findPlaylist(state, id);
  if (!playlist) return htmlError(res, 404);
  const entries = playlist.items.filter((entry) => state.lib.byKey.get(entry.ratingKey)?.type === 'track');
  const tracks = entries.map((entry) => state.lib.byKey.get(entry.ratingKey) as LibTrack);
  const durationMs = tracks.reduce((sum, t) => sum + t.durationMs, 0);
  const json = playlistJson(state, playlist);
  sendItems(
    state,
    res,
    req,
    {
      composite: json.composite,
      duration: Math.round(durationMs / 1000),
      leafCount: tracks.length,
      playlistType: playlist.playlistType,
      ratingKey: playlist.ratingKey,
      smart: playlist.smart,
      title: playlist.title,
    },
    tracks,
    (item, _track, position) => {
      if (!playlist.smart)
        item.playlistItemID = (entries[position] as FakePlaylist['items'][number]).playlistItemID;
    },
  );
}
