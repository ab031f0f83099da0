import { letterMask, MATCH_TIER, matchTier, normalize, queryWords } from './text-match.ts';
import type { Searchable } from './text-match.ts';

/**
 * Entries in display order with two helper structures, so a keystroke over 100,000 tracks costs about a
 * millisecond: entry indices sorted by name (exact and prefix matches are one binary search away) and
 * every entry's words joined into one string (word and substring matches are `indexOf` scans over one
 * big string, which V8 vectorises, and stop as soon as enough is found).
 */
export interface SearchList<T extends Searchable> {
  entries: readonly T[];
  /** Entry indices ordered by `name`. */
  byName: Int32Array;
  /** `\0`-separated words of every entry, in entry order. */
  text: string;
  /** Offset of each entry's words in `text`. */
  starts: Int32Array;
}

const FUZZY_MIN_QUERY = 3;
/** The fuzzy tier is a nicety for typos: it never holds a keystroke up longer than this. */
const FUZZY_BUDGET_MS = 8;

export function buildSearchList<T extends Searchable>(entries: readonly T[]): SearchList<T> {
  const starts = new Int32Array(entries.length);
  const parts: string[] = [];
  let offset = 0;
  entries.forEach((entry, i) => {
    starts[i] = offset;
    parts.push(entry.words);
    offset += entry.words.length + 1;
  });
  const byName = Int32Array.from(entries.keys()).sort((a, b) => {
    const x = (entries[a] as T).name;
    const y = (entries[b] as T).name;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  return { entries, byName, text: parts.join('\0'), starts };
}

/** Index of the entry whose words contain position `at` of the joined text. */
function entryAt(starts: Int32Array, at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** First position in `byName` whose name is ≥ q. */
function lowerBound<T extends Searchable>(list: SearchList<T>, q: string): number {
  let lo = 0;
  let hi = list.byName.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list.entries[list.byName[mid] as number] as T).name < q) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Exact and prefix matches on the name: the `limit` first of each in display order. */
function nameMatches<T extends Searchable>(
  list: SearchList<T>,
  q: string,
  limit: number,
): [number[], number[]] {
  const exact: number[] = [];
  const prefix: number[] = [];
  for (let at = lowerBound(list, q); at < list.byName.length; at++) {
    const i = list.byName[at] as number;
    const name = (list.entries[i] as T).name;
    if (!name.startsWith(q)) break;
    (name === q ? exact : prefix).push(i);
  }
  const first = (ids: number[]) => ids.sort((a, b) => a - b).slice(0, limit);
  return [first(exact), first(prefix)];
}

/** Entries (in display order) whose words contain `needle` and pass `accept`, up to `limit`. */
function scan<T extends Searchable>(
  list: SearchList<T>,
  needle: string,
  limit: number,
  accept: (i: number) => boolean,
): number[] {
  const found: number[] = [];
  for (let at = list.text.indexOf(needle); at !== -1 && found.length < limit;) {
    const i = entryAt(list.starts, at);
    if (accept(i)) found.push(i);
    const next = i + 1 < list.starts.length ? (list.starts[i + 1] as number) : list.text.length;
    at = list.text.indexOf(needle, next);
  }
  return found;
}

/**
 * The best `limit` entries for a query: exact name, name prefix, every word as a word prefix, substring,
 * then (only when those leave room) fuzzy — the query's letters in order. Within a tier, display order.
 */
export function searchList<T extends Searchable>(list: SearchList<T>, query: string, limit: number): T[] {
  const q = normalize(query);
  if (!q) return list.entries.slice(0, limit);
  const words = queryWords(q);
  const [exact, prefix] = nameMatches(list, q, limit);
  // Name matches rank first: when they fill the list, the scans cannot change it.
  if (exact.length + prefix.length >= limit)
    return [...exact, ...prefix].slice(0, limit).map((i) => list.entries[i] as T);
  const taken = new Set([...exact, ...prefix]);
  const fresh = (i: number) => !taken.has(i) && !(list.entries[i] as T).name.startsWith(q);
  // Every word-prefix match contains the longest query word at a word start.
  const longest = words.reduce((a, b) => (b.length > a.length ? b : a), '');
  const wordHits = scan(
    list,
    longest,
    limit,
    (i) => fresh(i) && words.every((w) => (list.entries[i] as T).words.includes(w)),
  );
  for (const i of wordHits) taken.add(i);
  const found = exact.length + prefix.length + wordHits.length;
  const substringHits = found < limit ? scan(list, q, limit - found, (i) => fresh(i) && !taken.has(i)) : [];
  const results = [...exact, ...prefix, ...wordHits, ...substringHits]
    .slice(0, limit)
    .map((i) => list.entries[i] as T);
  if (results.length < limit && q.length >= FUZZY_MIN_QUERY) {
    for (const i of substringHits) taken.add(i);
    const mask = letterMask(q);
    const deadline = performance.now() + FUZZY_BUDGET_MS;
    for (let i = 0; i < list.entries.length && results.length < limit; i++) {
      if ((i & 1023) === 0 && performance.now() > deadline) break;
      const entry = list.entries[i] as T;
      if ((entry.mask & mask) !== mask || taken.has(i)) continue;
      if (matchTier(entry, q, words, true, mask) === MATCH_TIER.fuzzy) results.push(entry);
    }
  }
  return results;
}
