import { z } from 'zod';
import { UpstreamError } from '../../errors.ts';
import { parseItems } from './schema.ts';
import type { PlexItem } from './schema.ts';
import type { PlexTransport } from './transport.ts';

/**
 * Playlists, album summaries and ratings (api-facts §1). Every write is one documented Plex call; the
 * callers decide what to write.
 */

export interface PlexPlaylist {
  ratingKey: string;
  title: string;
  smart: boolean;
  playlistType: string;
  leafCount: number;
}

export type PlaylistItem = PlexItem & { playlistItemID: string };

const playlistList = z.object({
  MediaContainer: z.object({
    Metadata: z
      .array(
        z.object({
          ratingKey: z.union([z.string(), z.number()]).transform(String),
          title: z.string(),
          smart: z
            .union([z.boolean(), z.number(), z.string()])
            .transform((v) => v === true || v === 1 || v === '1'),
          playlistType: z.string().optional().default(''),
          leafCount: z.coerce.number().optional().default(0),
        }),
      )
      .optional()
      .default([]),
  }),
});

/**
 * Rating keys per request when adding: each costs about 9 URL characters (digits and an encoded comma),
 * so 500 keep the URL near 4.5 KB, under the 8 KB that common reverse proxies accept.
 */
export const PLAYLIST_ADD_CHUNK = 500;
const ITEMS_PAGE_SIZE = 2000;
const KEY = /^\d{1,12}$/;

export interface PlexWrites {
  playlists(): Promise<PlexPlaylist[]>;
  playlistItems(playlistId: string): Promise<PlaylistItem[]>;
  /** Creates a dumb audio playlist (Plex refuses empty ones, so at least one key is needed). */
  createPlaylist(title: string, ratingKeys: readonly string[]): Promise<PlexPlaylist>;
  /** Adds tracks with as few requests as URLs allow (comma-joined keys in one `uri`). */
  addToPlaylist(playlistId: string, ratingKeys: readonly string[]): Promise<number>;
  /** Removes one item by its `playlistItemID` (not the track's rating key). */
  removeFromPlaylist(playlistId: string, playlistItemId: string): Promise<void>;
  /** Writes an album's summary and locks it, so an agent refresh keeps it. */
  editAlbumSummary(sectionId: string, albumKey: string, summary: string): Promise<void>;
  /** Sets a rating 0–10 (stars × 2), or clears it with null. */
  rate(ratingKey: string, rating: number | null): Promise<void>;
}

function keys(list: readonly string[]): string {
  if (list.length === 0 || !list.every((k) => KEY.test(k)))
    throw new UpstreamError('plex', 'not_found', 'bad rating keys');
  return list.join(',');
}

export function createPlexWrites(
  transport: PlexTransport,
  machineIdentifier: () => Promise<string>,
): PlexWrites {
  const { request, parse } = transport;
  const uri = async (list: readonly string[]) =>
    `server://${await machineIdentifier()}/com.plexapp.plugins.library/library/metadata/${keys(list)}`;
  const id = (value: string) => {
    if (!KEY.test(value)) throw new UpstreamError('plex', 'not_found', 'bad id');
    return value;
  };
  return {
    async playlists() {
      const body = parse(playlistList, await request('/playlists?playlistType=audio'), 'playlists');
      return body.MediaContainer.Metadata;
    },
    async playlistItems(playlistId) {
      const items: PlaylistItem[] = [];
      // Paged like library listings: a 10,000-track playlist is one big body otherwise.
      await transport.walkPages(`/playlists/${id(playlistId)}/items`, '', ITEMS_PAGE_SIZE, (raw) => {
        for (const entry of raw) {
          const [item] = parseItems([entry]);
          const itemId = (entry as { playlistItemID?: unknown }).playlistItemID;
          if (item && itemId !== undefined) items.push({ ...item, playlistItemID: String(itemId) });
        }
      });
      return items;
    },
    async createPlaylist(title, ratingKeys) {
      const query = new URLSearchParams({ type: 'audio', title, smart: '0', uri: await uri(ratingKeys) });
      const body = parse(playlistList, await request(`/playlists?${query}`, 'post'), 'create playlist');
      const created = body.MediaContainer.Metadata[0];
      if (!created) throw new UpstreamError('plex', 'bad_response', 'create playlist: nothing created');
      return created;
    },
    async addToPlaylist(playlistId, ratingKeys) {
      let requests = 0;
      for (let i = 0; i < ratingKeys.length; i += PLAYLIST_ADD_CHUNK) {
        const query = new URLSearchParams({ uri: await uri(ratingKeys.slice(i, i + PLAYLIST_ADD_CHUNK)) });
        await request(`/playlists/${id(playlistId)}/items?${query}`, 'put');
        requests++;
      }
      return requests;
    },
    async removeFromPlaylist(playlistId, playlistItemId) {
      await request(`/playlists/${id(playlistId)}/items/${id(playlistItemId)}`, 'delete');
    },
    async editAlbumSummary(sectionId, albumKey, summary) {
      const query = new URLSearchParams({
        type: '9',
        id: id(albumKey),
        'summary.value': summary,
        'summary.locked': '1',
      });
      await request(`/library/sections/${id(sectionId)}/all?${query}`, 'put');
    },
    async rate(ratingKey, rating) {
      const value = rating === null ? -1 : Math.min(10, Math.max(0, rating));
      const query = new URLSearchParams({
        key: id(ratingKey),
        identifier: 'com.plexapp.plugins.library',
        rating: String(value),
      });
      await request(`/:/rate?${query}`, 'put');
    },
  };
}
