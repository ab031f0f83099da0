/** The Plex Media Server fake; the implementation lives in ./plex/. */
export { startPlexFake } from './plex/server.ts';
export type { PlexFake, PlexFakeOptions } from './plex/server.ts';
export type { FakePlaylist, PlexEdit, PlexRatingChange } from './plex/state.ts';
export { defaultPartData } from './plex/state.ts';
export { PLEX_VERSION } from './plex/server-info.ts';
