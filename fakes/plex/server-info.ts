import { readFileSync } from 'node:fs';
import type { PlexState } from './state.ts';

/** The version in the captured identity.xml. */
export const PLEX_VERSION = '1.29.1.6316-f4cdfea9c';

const BOOLEAN_ATTRS = new Set(['allowSync', 'filters', 'refreshing', 'content', 'directory']);
const STRING_ATTRS = new Set(['key', 'uuid', 'path', 'title', 'language']);

function attributes(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [, name, value] of text.matchAll(/(\w+)="([^"]*)"/g)) {
    const key = name as string;
    const raw = value as string;
    if (BOOLEAN_ATTRS.has(key)) out[key] = raw === '1';
    else if (!STRING_ATTRS.has(key) && /^-?\d+$/.test(raw)) out[key] = Number(raw);
    else out[key] = raw;
  }
  return out;
}

/**
 * `GET /library/sections`: the non-music sections of the captured library_sections.xml (as typed JSON
 * values) plus the fake's music section (type "artist", agent tv.plex.agents.music).
 */
export function sectionsBody(state: PlexState): { MediaContainer: Record<string, unknown> } {
  const xml = readFileSync(new URL('../../test/fixtures/plex/library_sections.xml', import.meta.url), 'utf8');
  const directories: Array<Record<string, unknown>> = [];
  for (const [, dir, location] of xml.matchAll(/<Directory ([^>]*)>\s*<Location ([^>]*?)\s*\/>/g)) {
    const entry = attributes(dir as string);
    if (entry.type === 'artist' || entry.key === state.lib.sectionId) continue;
    directories.push({ ...entry, Location: [attributes(location as string)] });
  }
  directories.push({
    allowSync: true,
    art: '/:/resources/artist-fanart.jpg',
    composite: `/library/sections/${state.lib.sectionId}/composite/1700000000`,
    filters: true,
    refreshing: false,
    thumb: '/:/resources/artist.png',
    key: state.lib.sectionId,
    type: 'artist',
    title: state.lib.sectionTitle,
    agent: 'tv.plex.agents.music',
    scanner: 'Plex Music',
    language: 'en',
    uuid: state.sectionUuid,
    updatedAt: 1700000000,
    createdAt: 1579519800,
    scannedAt: 1700000000,
    content: true,
    directory: true,
    contentChangedAt: 2000000,
    hidden: 0,
    Location: [{ id: Number(state.lib.sectionId) || 3, path: '/data/Music' }],
  });
  return {
    MediaContainer: {
      size: directories.length,
      allowSync: false,
      identifier: 'com.plexapp.plugins.library',
      mediaTagPrefix: '/system/bundle/media/flags/',
      mediaTagVersion: 1603922053,
      title1: 'Plex Library',
      Directory: directories,
    },
  };
}

/** `GET /`: the server's own description (spec getServerInfo), trimmed to what clients read. */
export function rootBody(
  state: PlexState,
  friendlyName: string,
): { MediaContainer: Record<string, unknown> } {
  const directories = [
    'activities',
    'butler',
    'channels',
    'clients',
    'hubs',
    'library',
    'playlists',
    'search',
  ];
  return {
    MediaContainer: {
      size: directories.length,
      allowCameraUpload: false,
      allowMediaDeletion: true,
      allowSharing: true,
      allowSync: true,
      backgroundProcessing: true,
      certificate: true,
      countryCode: 'usa',
      friendlyName,
      hubSearch: true,
      machineIdentifier: state.lib.machineIdentifier,
      multiuser: true,
      myPlex: true,
      myPlexMappingState: 'mapped',
      myPlexSigninState: 'ok',
      myPlexSubscription: true,
      myPlexUsername: 'owner@example.com',
      platform: 'Linux',
      platformVersion: '6.1.106-Unraid',
      pluginHost: true,
      transcoderAudio: true,
      transcoderVideo: true,
      updatedAt: 1700000000,
      version: PLEX_VERSION,
      voiceSearch: true,
      Directory: directories.map((key) => ({ count: 1, key, title: key })),
    },
  };
}

export function identityBody(state: PlexState): { MediaContainer: Record<string, unknown> } {
  return {
    MediaContainer: {
      size: 0,
      claimed: true,
      machineIdentifier: state.lib.machineIdentifier,
      version: PLEX_VERSION,
    },
  };
}
