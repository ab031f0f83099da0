import { UpstreamError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { downloadPart } from './download.ts';
import { createPlexTransport } from './transport.ts';
import { createPlexWrites } from './writes.ts';
import type { PlexWrites } from './writes.ts';
import {
  hubContainer,
  identityContainer,
  readIndexItem,
  itemContainer,
  parseItems,
  sectionContainer,
} from './schema.ts';
import type { IndexItem, PlexItem } from './schema.ts';

export type { IndexItem, PlexItem } from './schema.ts';
export { musicBrainzId } from './schema.ts';
export { toPlexError } from './transport.ts';

export interface PlexOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  logger: Logger;
}

/** Plex metadata type numbers (python-plexapi utils.SEARCHTYPES). */
export const PLEX_TYPE = { artist: 8, album: 9, track: 10 } as const;
export type PlexType = (typeof PLEX_TYPE)[keyof typeof PLEX_TYPE];

/** Items per request when walking a whole library: big pages, few round trips, bounded memory per page. */
export const PAGE_SIZE = 5000;

/**
 * A lean walk's page: big enough for few round trips, small enough that parsing one page (done in one go by
 * the HTTP client) never holds the event loop for long.
 */
export const LEAN_PAGE_SIZE = 1000;

/**
 * What a lean walk leaves out: Plex documents `excludeElements` and `excludeFields` on list endpoints; a
 * track's Media/Part, Genre and Guid arrays and its summary and artwork paths are most of its bytes.
 */
const LEAN_QUERY =
  'excludeElements=Media,Genre,Guid,Mood,Style,Country,Similar,Collection,Label,Field,Image' +
  '&excludeFields=summary,guid,parentGuid,grandparentGuid,thumb,parentThumb,grandparentThumb,art,grandparentArt,key,parentKey,grandparentKey';

export interface MusicSection {
  id: string;
  title: string;
}

export type { PlaylistItem, PlexPlaylist } from './writes.ts';

export interface SearchResults {
  artists: PlexItem[];
  albums: PlexItem[];
  tracks: PlexItem[];
}

export interface PlexService extends PlexWrites {
  identity(): Promise<{ machineIdentifier: string; version: string; friendlyName?: string }>;
  /** The server root (`/`, token needed): its name as users see it, version and id. */
  serverInfo(): Promise<{ machineIdentifier: string; version: string; friendlyName?: string }>;
  musicSections(): Promise<MusicSection[]>;
  /**
   * Every item of one type in a section, page by page (`X-Plex-Container-Start/Size`). `filters` are Plex
   * filters as [field with operator, value], e.g. `['userRating>=', '8']`; Plex ignores unknown fields.
   */
  listSection(
    sectionId: string,
    type: PlexType,
    options?: { filters?: ReadonlyArray<readonly [string, string]>; onPage?: (items: PlexItem[]) => void },
  ): Promise<PlexItem[]>;
  /**
   * Every item of one type in a section with only the fields an index needs (IndexItem), page by page: each
   * page is handed to `onPage` (awaited) and then dropped, so a walk holds one page at a time. Resolves to
   * the number of items.
   */
  walkSection(
    sectionId: string,
    type: PlexType,
    /** `total` is the section's count of that type as Plex gave it with the page; `first` marks page one. */
    onPage: (items: IndexItem[], total: number, first: boolean) => void | Promise<void>,
  ): Promise<number>;
  /** One item with its Guids, or null when Plex does not know the key. */
  metadata(ratingKey: string): Promise<PlexItem | null>;
  /** Albums of an artist, tracks of an album (`/children`; the album filter of @ctrl/plex is ignored by Plex). */
  children(ratingKey: string): Promise<PlexItem[]>;
  /** Every track of an artist or album in one walk (`/allLeaves`, with Guids). */
  allLeaves(ratingKey: string): Promise<PlexItem[]>;
  /** Plex's own search (`/hubs/search`, made for as-you-type), `limit` items per type. */
  search(query: string, limit: number): Promise<SearchResults>;
  /** Streams a track's media part to a file; returns the bytes written. */
  downloadPart(partKey: string, destination: string, signal?: AbortSignal): Promise<number>;
}

const KEY = /^\d{1,12}$/;

function requireKey(ratingKey: string): string {
  if (!KEY.test(ratingKey)) throw new UpstreamError('plex', 'not_found', 'not a rating key');
  return ratingKey;
}

/** The music sections named in PLEX_MUSIC_SECTIONS (by id or title), or all of them when none are named. */
export async function chosenMusicSections(
  plex: PlexService,
  wanted: readonly string[],
): Promise<MusicSection[]> {
  const all = await plex.musicSections();
  if (wanted.length === 0) return all;
  const names = new Set(wanted.map((s) => s.toLowerCase()));
  return all.filter((s) => names.has(s.id) || names.has(s.title.toLowerCase()));
}

export function createPlexService(options: PlexOptions): PlexService {
  const transport = createPlexTransport(options);
  const { request, parse } = transport;
  const get = (path: string) => request(path);
  let machineIdentifier: Promise<string> | undefined;
  const identity = async () => parse(identityContainer, await get('/identity'), 'identity').MediaContainer;

  /** Every item of a paged list endpoint, parsed; `onPage` sees each page as it arrives. */
  async function paged(
    path: string,
    params: URLSearchParams,
    options: {
      filters?: ReadonlyArray<readonly [string, string]>;
      onPage?: (items: PlexItem[]) => void;
    } = {},
  ): Promise<PlexItem[]> {
    // Operators live in the key (`userRating>=8`, `userRating>>=8`) and Plex reads them unencoded.
    const filters = (options.filters ?? [])
      .map(([field, value]) => `&${field}${encodeURIComponent(value)}`)
      .join('');
    const all: PlexItem[] = [];
    await transport.walkPages(path, `${params}${filters}`, PAGE_SIZE, (raw) => {
      const items = parseItems(raw);
      options.onPage?.(items);
      all.push(...items);
    });
    return all;
  }

  return {
    ...createPlexWrites(transport, () => {
      // Playlist URIs name the server; it never changes while the bot runs, but a failure is retried.
      machineIdentifier ??= identity().then(
        (id) => id.machineIdentifier,
        (error: unknown) => {
          machineIdentifier = undefined;
          throw error;
        },
      );
      return machineIdentifier;
    }),
    identity,
    async serverInfo() {
      return parse(identityContainer, await get('/'), 'server').MediaContainer;
    },
    async musicSections() {
      const { Directory } = parse(
        sectionContainer,
        await get('/library/sections'),
        'sections',
      ).MediaContainer;
      return Directory.filter((d) => d.type === 'artist').map((d) => ({ id: d.key, title: d.title }));
    },
    listSection(sectionId, type, options = {}) {
      const params = new URLSearchParams({ type: String(type), includeGuids: '1' });
      return paged(`/library/sections/${requireKey(sectionId)}/all`, params, options);
    },
    async walkSection(sectionId, type, onPage) {
      let count = 0;
      await transport.walkPages(
        `/library/sections/${requireKey(sectionId)}/all`,
        `type=${type}&${LEAN_QUERY}`,
        LEAN_PAGE_SIZE,
        async (raw, total, first) => {
          const items: IndexItem[] = [];
          for (const entry of raw) {
            const item = readIndexItem(entry);
            if (item) items.push(item);
          }
          count += items.length;
          await onPage(items, total, first);
        },
        { itemByItem: true },
      );
      return count;
    },
    async metadata(ratingKey) {
      try {
        const body = parse(
          itemContainer,
          await get(`/library/metadata/${requireKey(ratingKey)}`),
          'metadata',
        );
        return parseItems(body.MediaContainer.Metadata)[0] ?? null;
      } catch (error) {
        if (error instanceof UpstreamError && error.kind === 'not_found') return null;
        throw error;
      }
    },
    async children(ratingKey) {
      return paged(
        `/library/metadata/${requireKey(ratingKey)}/children`,
        new URLSearchParams({ includeGuids: '1' }),
      );
    },
    async search(query, limit) {
      const params = new URLSearchParams({ query, limit: String(limit) });
      const body = parse(hubContainer, await get(`/hubs/search?${params}`), 'search');
      const hub = (type: string) =>
        parseItems(body.MediaContainer.Hub.find((h) => h.type === type)?.Metadata);
      return { artists: hub('artist'), albums: hub('album'), tracks: hub('track') };
    },
    downloadPart: (partKey, destination, signal) => downloadPart(options, partKey, destination, signal),
    async allLeaves(ratingKey) {
      return paged(
        `/library/metadata/${requireKey(ratingKey)}/allLeaves`,
        new URLSearchParams({ includeGuids: '1' }),
      );
    },
  };
}
