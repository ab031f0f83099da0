import type { Logger } from '../logger.ts';
import type { MusicSection, PlexItem, PlexService } from './plex.ts';
import { PLEX_TYPE } from './plex.ts';
import { MATCH_TIER, matchTier, normalize, queryWords, similarity } from './text-match.ts';
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
  /** Rebuilds from Plex; concurrent calls share one build. A failed build keeps the previous index. */
  refresh(): Promise<void>;
  /** Builds once if nothing was ever built; never throws (autocomplete must keep working). */
  ready(): Promise<boolean>;
  search(kind: EntryKind, query: string, limit: number): IndexEntry[];
  get(key: string): IndexEntry | undefined;
  /** Artists whose names look like `query`, best first, for "did you mean". */
  suggestArtists(query: string, limit: number): IndexEntry[];
  stats(): { artists: number; albums: number; tracks: number; builtAt: number | null };
}

const FUZZY_MIN_QUERY = 3;

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
  return {
    kind,
    key: item.ratingKey,
    label: text,
    name: normalize(item.title),
    words: ` ${normalize(text)}`,
    artistKey:
      kind === 'album' ? item.parentRatingKey : kind === 'track' ? item.grandparentRatingKey : undefined,
  };
}

interface Snapshot {
  byKind: Record<EntryKind, IndexEntry[]>;
  byKey: Map<string, IndexEntry>;
  builtAt: number | null;
}

const EMPTY: Snapshot = { byKind: { artist: [], album: [], track: [] }, byKey: new Map(), builtAt: null };

/** Ranks entries of one kind for a query; a fuzzy pass only runs when the better tiers leave room. */
export function rank(entries: readonly IndexEntry[], query: string, limit: number): IndexEntry[] {
  const q = normalize(query);
  if (!q) return [...entries].sort((a, b) => a.label.localeCompare(b.label)).slice(0, limit);
  const words = queryWords(q);
  const tiers: IndexEntry[][] = [[], [], [], [], []];
  let good = 0;
  for (const entry of entries) {
    const tier = matchTier(entry, q, words, false);
    if (tier === -1) continue;
    tiers[tier]?.push(entry);
    good++;
  }
  if (good < limit && q.length >= FUZZY_MIN_QUERY) {
    for (const entry of entries) {
      if (matchTier(entry, q, words, true) === MATCH_TIER.fuzzy) tiers[MATCH_TIER.fuzzy]?.push(entry);
    }
  }
  const out: IndexEntry[] = [];
  for (const tier of tiers) {
    if (out.length >= limit) break;
    tier.sort((a, b) => a.label.length - b.label.length || a.label.localeCompare(b.label));
    out.push(...tier.slice(0, limit - out.length));
  }
  return out;
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

  async function sectionsToIndex(): Promise<MusicSection[]> {
    const all = await options.plex.musicSections();
    if (options.sections.length === 0) return all;
    const wanted = new Set(options.sections.map((s) => s.toLowerCase()));
    return all.filter((s) => wanted.has(s.id) || wanted.has(s.title.toLowerCase()));
  }

  async function build(): Promise<void> {
    const started = performance.now();
    const next: Snapshot = {
      byKind: { artist: [], album: [], track: [] },
      byKey: new Map(),
      builtAt: Date.now(),
    };
    for (const section of await sectionsToIndex()) {
      for (const kind of ['artist', 'album', 'track'] as const) {
        await options.plex.listSection(section.id, PLEX_TYPE[kind], {
          onPage: (items) => {
            for (const item of items) {
              const entry = toEntry(kind, item);
              next.byKind[kind].push(entry);
              next.byKey.set(entry.key, entry);
            }
          },
        });
      }
    }
    snapshot = next;
    logger.info({ ...countsOf(next), ms: Math.round(performance.now() - started) }, 'library index built');
  }

  function countsOf(s: Snapshot) {
    return { artists: s.byKind.artist.length, albums: s.byKind.album.length, tracks: s.byKind.track.length };
  }

  const index: LibraryIndex = {
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
      if (snapshot.builtAt !== null) return true;
      await index.refresh().catch(() => undefined);
      return snapshot.builtAt !== null;
    },
    search: (kind, query, limit) => rank(snapshot.byKind[kind], query, limit),
    get: (key) => snapshot.byKey.get(key),
    suggestArtists(query, limit) {
      const q = normalize(query);
      return snapshot.byKind.artist
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
