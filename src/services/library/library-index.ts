import { within } from '../../within.ts';
import { UpstreamError, UserFacingError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { IndexItem, PlexService } from '../plex/client.ts';
import { chosenMusicSections, PLEX_TYPE } from '../plex/client.ts';
import { keyTable, placeOf } from './key-table.ts';
import type { KeyTable } from './key-table.ts';
import { createPacer } from './pacer.ts';
import { entryAt, flat, labelParts, parentOf, toEntry } from './entries.ts';
import type { EntryKind, IndexEntry } from './entries.ts';
import { append, emptyColumns, reserve } from './columns.ts';
import type { Columns } from './columns.ts';
import { buildSearchList, searchList } from './search-list.ts';
import type { SearchList } from './search-list.ts';
import { normalize, similarity } from './text-match.ts';

export type { EntryKind, IndexEntry } from './entries.ts';

export interface LibraryIndex {
  /** The music sections this bot works with (PLEX_MUSIC_SECTIONS, by id or title; empty = all). */
  readonly sections: readonly string[];
  /** Rebuilds from Plex; concurrent calls share one build. A failed build keeps the previous index. */
  refresh(): Promise<void>;
  /**
   * Builds once if nothing was ever built; throws why when there is still no index (Plex down, not
   * configured). With `waitMs` (what commands pass), a first build still running after that long is left to
   * finish in the background and the call throws "the library is still loading" instead of waiting on it.
   */
  ready(waitMs?: number): Promise<void>;
  /**
   * A lookup missed (maybe the item was just added): starts a rebuild in the background unless one started
   * in the last `MISS_REFRESH_MS`. Never waits for it. Returns whether one started.
   */
  refreshSoon(): boolean;
  /**
   * Plex's own search, for a title too new for the index: the one item of that kind whose name is exactly
   * `text`, or null (none, several, Plex slow or down). Waits at most `budgetMs`.
   */
  confirm(kind: EntryKind, text: string, budgetMs: number): Promise<IndexEntry | null>;
  search(kind: EntryKind, query: string, limit: number): IndexEntry[];
  get(key: string): IndexEntry | undefined;
  /** Artists whose names look like `query`, best first, for "did you mean". */
  suggestArtists(query: string, limit: number): IndexEntry[];
  stats(): { artists: number; albums: number; tracks: number; builtAt: number | null };
}

/** A miss starts at most one background rebuild per this long (a typo must not rebuild the index each time). */
export const MISS_REFRESH_MS = 5 * 60_000;
/**
 * How long a command waits for the first build before answering that the library is still loading: a big
 * library takes half a minute, and a Plex that drips its pages much longer.
 */
export const READY_WAIT_MS = 3000;
/** A build still walking after this long gives up (each page has UPSTREAM_TIMEOUT; a build, 31 s at 400k tracks). */
export const BUILD_DEADLINE_MS = 15 * 60_000;
/** Autocomplete's scans stop after this long: Discord waits 3 s, users feel 100 ms, p99 must stay flat. */
const SEARCH_BUDGET_MS = 10;
const KINDS = ['artist', 'album', 'track'] as const;
const MAX_RESERVED = 5_000_000;
const KEY = /^\d{1,15}$/;

interface Snapshot {
  byKind: Record<EntryKind, SearchList>;
  /** Rating key → raw index × 4 + kind code (KINDS order). */
  keys: KeyTable;
  builtAt: number | null;
}

export function createLibraryIndex(options: {
  plex: PlexService;
  logger: Logger;
  /** Music sections to index, by id or title; all music sections when empty. */
  sections: readonly string[];
  /** A build still walking after this long gives up (default BUILD_DEADLINE_MS). */
  buildDeadlineMs?: number;
}): LibraryIndex {
  const deadlineMs = options.buildDeadlineMs ?? BUILD_DEADLINE_MS;
  const logger = options.logger.child({ svc: 'library-index' });
  let snapshot: Snapshot | null = null;
  let building: Promise<void> | null = null;
  let lastStarted = Number.NEGATIVE_INFINITY;
  /** Items the build in progress has read so far (what "still loading" reports). */
  let loaded = 0;
  /** Items Plex's search confirmed since the last build, so their keys resolve until the next one has them. */
  const confirmed = new Map<string, IndexEntry>();

  async function build(): Promise<void> {
    const started = performance.now();
    // Unchanged entries keep the current index's strings, so during a rebuild most text exists once.
    const before = snapshot;
    const pacer = createPacer();
    loaded = 0;
    const columns: Record<EntryKind, Columns> = {
      artist: emptyColumns(),
      album: emptyColumns(),
      track: emptyColumns(),
    };
    let skipped = 0;
    // The shared halves of labels, one string each ("— Artist (Album)" for an album's tracks).
    const shared = new Map<string, string>();
    const once = (text: string) => {
      const known = shared.get(text);
      if (known !== undefined) return known;
      const copy = flat(text);
      shared.set(copy, copy);
      return copy;
    };
    for (const section of await chosenMusicSections(options.plex, options.sections)) {
      for (const kind of KINDS) {
        const c = columns[kind];
        await options.plex.walkSection(section.id, PLEX_TYPE[kind], async (items, total, first) => {
          if (performance.now() - started > deadlineMs) throw buildTooLong(deadlineMs);
          // A body's totalSize is only a hint: never reserve more than a real library could hold.
          if (first) await reserve(c, Math.min(total, MAX_RESERVED), () => pacer.tick());
          loaded += items.length;
          for (const item of items) {
            if (!KEY.test(item.ratingKey)) {
              skipped++;
              continue;
            }
            const key = Number(item.ratingKey);
            const was = before ? placeOf(before.keys, key) : -1;
            const old = was !== -1 && KINDS[was & 3] === kind ? was >> 2 : -1;
            const list = old === -1 ? undefined : before?.byKind[kind];
            const [head, tail] = labelParts(kind, item);
            const parent = parentOf(kind, item);
            append(
              c,
              kept(list?.heads[old], head, kind === 'album' ? once : flat),
              kept(list?.tails[old], tail, kind === 'album' ? flat : once),
              kept(list?.names[old], normalize(item.title), flat),
              key,
              parent !== undefined && KEY.test(parent) ? Number(parent) : Number.NaN,
            );
          }
          // A page is indexed in one go (a few ms) and only then may the loop turn: its parsed items die
          // young. Yielding inside a page kept them alive across scavenges, so they were promoted and piled
          // up in the old generation until a full collection: hundreds of MiB at 400,000 tracks.
          await pacer.tick();
        });
      }
    }
    shared.clear();
    const byKind = {} as Record<EntryKind, SearchList>;
    for (const kind of KINDS) {
      byKind[kind] = await buildSearchList(columns[kind], pacer, before?.byKind[kind]);
      columns[kind] = emptyColumns();
    }
    // One assignment: lookups see the old index or the new one, never a half-built one.
    snapshot = {
      byKind,
      keys: await keyTable(
        KINDS.map((kind) => byKind[kind].keys),
        pacer,
      ),
      builtAt: Date.now(),
    };
    for (const key of confirmed.keys()) if (placeOf(snapshot.keys, Number(key)) !== -1) confirmed.delete(key);
    logger.info(
      { ...countsOf(snapshot), skipped, ms: Math.round(performance.now() - started) },
      'library index built',
    );
  }

  function countsOf(s: Snapshot | null) {
    return {
      artists: s?.byKind.artist.size ?? 0,
      albums: s?.byKind.album.size ?? 0,
      tracks: s?.byKind.track.size ?? 0,
    };
  }

  const index: LibraryIndex = {
    sections: options.sections,
    refresh() {
      if (!building) lastStarted = Date.now();
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
    async ready(waitMs = Number.POSITIVE_INFINITY) {
      if (snapshot !== null) return;
      const build = index.refresh();
      if (waitMs === Number.POSITIVE_INFINITY) return build;
      const outcome = await within(
        build.then(() => 'built' as const),
        waitMs,
        () => 'late' as const,
      );
      if (outcome === 'late') {
        throw new UserFacingError(
          `The library is still loading from Plex (${loaded.toLocaleString('en-US')} items so far). Try again in a minute.`,
        );
      }
    },
    refreshSoon() {
      if (building || Date.now() - lastStarted < MISS_REFRESH_MS) return false;
      logger.info('a lookup missed: refreshing the library index in the background');
      index.refresh().catch(() => undefined);
      return true;
    },
    async confirm(kind, text, budgetMs) {
      const q = normalize(text);
      if (!q) return null;
      const found = options.plex.search(text.trim(), 5).then(
        (results) => {
          const items =
            kind === 'artist' ? results.artists : kind === 'album' ? results.albums : results.tracks;
          const exact = items.filter((item) => normalize(item.title) === q);
          return exact.length === 1 ? toEntry(kind, exact[0] as IndexItem) : null;
        },
        () => null,
      );
      const entry = await within(found, budgetMs, () => null);
      if (entry) confirmed.set(entry.key, entry);
      return entry;
    },
    search(kind, query, limit) {
      const list = snapshot?.byKind[kind];
      if (!list) return [];
      return searchList(list, query, limit, SEARCH_BUDGET_MS).map((p) => entryAt(list, kind, p));
    },
    get(key) {
      const found = snapshot && KEY.test(key) ? placeOf(snapshot.keys, Number(key)) : -1;
      if (found === -1 || !snapshot) return confirmed.get(key);
      const kind = KINDS[found & 3] as EntryKind;
      const list = snapshot.byKind[kind];
      return entryAt(list, kind, list.rank[found >> 2] as number);
    },
    suggestArtists(query, limit) {
      const list = snapshot?.byKind.artist;
      if (!list) return [];
      const q = normalize(query);
      if (!q) return [];
      const scored: Array<{ raw: number; score: number }> = [];
      for (let raw = 0; raw < list.size; raw++) {
        const score = similarity(q, list.names[raw] as string);
        if (score >= 0.3) scored.push({ raw, score });
      }
      return scored
        .sort((a, b) => b.score - a.score || (list.rank[a.raw] as number) - (list.rank[b.raw] as number))
        .slice(0, limit)
        .map((s) => entryAt(list, 'artist', list.rank[s.raw] as number));
    },
    stats: () => ({ ...countsOf(snapshot), builtAt: snapshot?.builtAt ?? null }),
  };
  return index;
}

/** `old` when it is the same text (the previous build's copy), else a copy of `text` made by `copy`. */
function kept(old: string | undefined, text: string, copy: (text: string) => string): string {
  return old === text ? old : copy(text);
}

function buildTooLong(ms: number): UpstreamError {
  const took = ms >= 60_000 ? `${Number((ms / 60_000).toFixed(1))} min` : `${ms / 1000} s`;
  return new UpstreamError(
    'plex',
    'timeout',
    `index build over ${ms} ms`,
    undefined,
    `Plex did not list the whole library within ${took}, so the library index was not built. Autoalex tries again later.`,
  );
}
