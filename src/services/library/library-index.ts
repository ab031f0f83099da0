import type { Logger } from '../../logger.ts';
import type { PlexItem, PlexService } from '../plex/client.ts';
import { chosenMusicSections, PLEX_TYPE } from '../plex/client.ts';
import { buildSearchList, searchList } from './search-list.ts';
import type { SearchList } from './search-list.ts';
import { letterMask, normalize, similarity } from './text-match.ts';
import type { Searchable } from './text-match.ts';

export type EntryKind = 'artist' | 'album' | 'track';

/** One searchable library item. Kept small: 100,000 tracks must fit comfortably in memory. */
export interface IndexEntry extends Searchable {
  kind: EntryKind;
  key: string;
  /** What autocomplete shows: "Artist", "Artist — Album (Year)", "Track — Artist (Album)". */
  label: string;
  /** The artist's rating key (albums and tracks), for grouping. */
  artistKey?: string;
}

export interface LibraryIndex {
  /** The music sections this bot works with (PLEX_MUSIC_SECTIONS, by id or title; empty = all). */
  readonly sections: readonly string[];
  /** Rebuilds from Plex; concurrent calls share one build. A failed build keeps the previous index. */
  refresh(): Promise<void>;
  /** Builds once if nothing was ever built; throws why when there is still no index (Plex down, not configured). */
  ready(): Promise<void>;
  /** Rebuilds when the index is older than `ageMs` (a lookup missed: maybe the item was just added). */
  refreshIfOlderThan(ageMs: number): Promise<boolean>;
  search(kind: EntryKind, query: string, limit: number): IndexEntry[];
  get(key: string): IndexEntry | undefined;
  /** Artists whose names look like `query`, best first, for "did you mean". */
  suggestArtists(query: string, limit: number): IndexEntry[];
  stats(): { artists: number; albums: number; tracks: number; builtAt: number | null };
}

function label(kind: EntryKind, item: PlexItem): string {
  if (kind === 'artist') return item.title;
  if (kind === 'album') {
    const year = item.year ? ` (${item.year})` : '';
    return `${item.parentTitle ?? 'Unknown artist'} — ${item.title}${year}`;
  }
  const artist = item.originalTitle || item.grandparentTitle || 'Unknown artist';
  return `${item.title} — ${artist}${item.parentTitle ? ` (${item.parentTitle})` : ''}`;
}

export function toEntry(kind: EntryKind, item: PlexItem): IndexEntry {
  const text = label(kind, item);
  const words = ` ${normalize(text)}`;
  return {
    kind,
    key: item.ratingKey,
    label: text,
    name: normalize(item.title),
    words,
    mask: letterMask(words),
    artistKey:
      kind === 'album' ? item.parentRatingKey : kind === 'track' ? item.grandparentRatingKey : undefined,
  };
}

interface Snapshot {
  byKind: Record<EntryKind, SearchList<IndexEntry>>;
  byKey: Map<string, IndexEntry>;
  builtAt: number | null;
}

const EMPTY: Snapshot = {
  byKind: {
    artist: buildSearchList<IndexEntry>([]),
    album: buildSearchList<IndexEntry>([]),
    track: buildSearchList<IndexEntry>([]),
  },
  byKey: new Map(),
  builtAt: null,
};

/** Shorter labels first, then by code point: the order results are shown in within a tier. */
export function byDisplayOrder(a: IndexEntry, b: IndexEntry): number {
  return a.label.length - b.label.length || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}

export function createLibraryIndex(options: {
  plex: PlexService;
  logger: Logger;
  /** Music sections to index, by id or title; all music sections when empty. */
  sections: readonly string[];
}): LibraryIndex {
  const logger = options.logger.child({ svc: 'library-index' });
  let snapshot = EMPTY;
  let building: Promise<void> | null = null;

  async function build(): Promise<void> {
    const started = performance.now();
    const lists: Record<EntryKind, IndexEntry[]> = { artist: [], album: [], track: [] };
    const byKey = new Map<string, IndexEntry>();
    for (const section of await chosenMusicSections(options.plex, options.sections)) {
      for (const kind of ['artist', 'album', 'track'] as const) {
        await options.plex.listSection(section.id, PLEX_TYPE[kind], {
          onPage: (items) => {
            for (const item of items) {
              const entry = toEntry(kind, item);
              lists[kind].push(entry);
              byKey.set(entry.key, entry);
            }
          },
        });
      }
    }
    const sorted = (kind: EntryKind) => buildSearchList(lists[kind].sort(byDisplayOrder));
    const next: Snapshot = {
      byKind: { artist: sorted('artist'), album: sorted('album'), track: sorted('track') },
      byKey,
      builtAt: Date.now(),
    };
    snapshot = next;
    logger.info({ ...countsOf(next), ms: Math.round(performance.now() - started) }, 'library index built');
  }

  function countsOf(s: Snapshot) {
    return {
      artists: s.byKind.artist.entries.length,
      albums: s.byKind.album.entries.length,
      tracks: s.byKind.track.entries.length,
    };
  }

  const index: LibraryIndex = {
    sections: options.sections,
    refresh() {
      building ??= build()
        .catch((error: unknown) => {
          logger.warn({ err: error }, 'library index refresh failed; keeping the previous index');
          throw error;
        })
        .finally(() => {
          building = null;
        });
      return building;
    },
    async ready() {
      if (snapshot.builtAt === null) await index.refresh();
    },
    async refreshIfOlderThan(ageMs) {
      if (snapshot.builtAt !== null && Date.now() - snapshot.builtAt < ageMs) return false;
      await index.refresh();
      return true;
    },
    search: (kind, query, limit) => searchList(snapshot.byKind[kind], query, limit),
    get: (key) => snapshot.byKey.get(key),
    suggestArtists(query, limit) {
      const q = normalize(query);
      return snapshot.byKind.artist.entries
        .map((entry) => ({ entry, score: similarity(q, entry.name) }))
        .filter((s) => s.score >= 0.3)
        .sort((a, b) => b.score - a.score)
        .slice(0, limit)
        .map((s) => s.entry);
    },
    stats: () => ({ ...countsOf(snapshot), builtAt: snapshot.builtAt }),
  };
  return index;
}
