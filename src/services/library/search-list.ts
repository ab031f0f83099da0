import { trimmed } from './columns.ts';
import type { Columns } from './columns.ts';
import type { Pacer } from './pacer.ts';
import { identity, sortSliced } from './pacer.ts';
import { isSubsequence, letterMask, normalize, queryWords } from './text-match.ts';

/**
 * One kind's entries, column by column: no object per entry, so 400,000 tracks cost about 0.2 KiB each.
 * A "raw" index is the order the Plex walk delivered; a "position" is the display order (shorter labels
 * first, then by code point). Names sorted (`byName`) make exact and prefix matches two binary searches;
 * every entry's words, joined per chunk of positions, make word and substring matches `indexOf` scans
 * that stop at the search's deadline between chunks.
 */
export interface SearchList {
  readonly size: number;
  /** Each label is heads[raw] + tails[raw]; one side is shared (a track's " — Artist (Album)"), see columns.ts. */
  readonly heads: readonly string[];
  readonly tails: readonly string[];
  /** normalize(primary name), by raw index. */
  readonly names: readonly string[];
  readonly keys: Float64Array;
  /** The artist's rating key (albums, tracks), NaN when none. */
  readonly parents: Float64Array;
  readonly masks: Int32Array;
  /** Position → raw index, and back. */
  readonly order: Int32Array;
  readonly rank: Int32Array;
  /** Raw indices ordered by name. */
  readonly byName: Int32Array;
  /** ' ' + normalize(label) + '\0' of CHUNK consecutive positions each. */
  readonly chunks: readonly string[];
  /** Offset of each position's words in its chunk. */
  readonly starts: Int32Array;
}

export const CHUNK = 8192;
const FUZZY_MIN_QUERY = 3;
/** The fuzzy tier is a nicety for typos: it never holds a keystroke up longer than this. */
const FUZZY_BUDGET_MS = 4;

function byCodePoint(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Display order of two split labels (shorter first, then by code point) without joining them when avoidable. */
function byLabel(heads: readonly string[], tails: readonly string[], a: number, b: number): number {
  const ha = heads[a] as string;
  const hb = heads[b] as string;
  const ta = tails[a] as string;
  const tb = tails[b] as string;
  const length = ha.length + ta.length - hb.length - tb.length;
  if (length !== 0) return length;
  if (ha === hb) return byCodePoint(ta, tb);
  // Heads that differ before either ends decide the order; otherwise compare the whole labels.
  if (!ha.startsWith(hb) && !hb.startsWith(ha)) return byCodePoint(ha, hb);
  return byCodePoint(ha + ta, hb + tb);
}

export function labelOf(list: SearchList, raw: number): string {
  return (list.heads[raw] as string) + (list.tails[raw] as string);
}

/**
 * Builds the search structures from collected columns, yielding through `pacer` so no step blocks for long.
 * Each entry's words are made here, in display order, straight into their chunk (held per entry through the
 * walk they were the biggest column); a chunk with the same text as `previous`'s (a rebuild of an unchanged
 * stretch) is the previous one, so that text exists once.
 */
export async function buildSearchList(
  columns: Columns,
  pacer: Pacer,
  previous?: SearchList,
): Promise<SearchList> {
  const { heads, tails, names, keys, parents, size } = trimmed(columns);
  const order = await sortSliced(identity(size), (a, b) => byLabel(heads, tails, a, b) || a - b, pacer);
  const rank = new Int32Array(size);
  for (let p = 0; p < size; p++) rank[order[p] as number] = p;
  await pacer.tick();
  const byName = await sortSliced(
    identity(size),
    (a, b) =>
      byCodePoint(names[a] as string, names[b] as string) || (rank[a] as number) - (rank[b] as number),
    pacer,
  );
  const masks = new Int32Array(size);
  const starts = new Int32Array(size);
  const chunks: string[] = [];
  for (let lo = 0; lo < size; lo += CHUNK) {
    const parts: string[] = [];
    const old = previous?.chunks[chunks.length];
    let same = old !== undefined;
    let offset = 0;
    for (let p = lo; p < Math.min(size, lo + CHUNK); p++) {
      const raw = order[p] as number;
      const w = ` ${normalize((heads[raw] as string) + (tails[raw] as string))}`;
      masks[raw] = letterMask(w);
      starts[p] = offset;
      parts.push(w);
      same &&= (old as string).startsWith(w, offset) && (old as string).charCodeAt(offset + w.length) === 0;
      offset += w.length + 1;
      if ((p & 1023) === 0) await pacer.tick();
    }
    chunks.push(same && offset === (old as string).length ? (old as string) : `${parts.join('\0')}\0`);
    await pacer.tick();
  }
  return {
    size,
    heads,
    tails,
    names,
    keys,
    parents,
    masks,
    order,
    rank,
    byName,
    chunks,
    starts,
  };
}

/** The words (' ' + normalized label) of the entry at `position`. */
export function wordsAt(list: SearchList, position: number): string {
  const chunk = list.chunks[Math.floor(position / CHUNK)] as string;
  const start = list.starts[position] as number;
  return chunk.slice(start, chunk.indexOf('\0', start));
}

/** First position in `byName` whose name is ≥ q. */
function lowerBound(list: SearchList, q: string): number {
  let lo = 0;
  let hi = list.size;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list.names[list.byName[mid] as number] as string) < q) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The `limit` smallest positions among byName[from, to): a bounded insertion, never a sort of all matches. */
function firstPositions(list: SearchList, from: number, to: number, limit: number): number[] {
  const best: number[] = [];
  for (let at = from; at < to; at++) {
    const p = list.rank[list.byName[at] as number] as number;
    if (best.length === limit && p >= (best[limit - 1] as number)) continue;
    let i = best.length === limit ? limit - 1 : best.length;
    while (i > 0 && (best[i - 1] as number) > p) {
      best[i] = best[i - 1] as number;
      i--;
    }
    best[i] = p;
  }
  return best;
}

/** Positions whose words contain `needle` and pass `accept`, up to `limit`, in position order, until `deadline`. */
function scan(
  list: SearchList,
  needle: string,
  limit: number,
  accept: (p: number) => boolean,
  deadline: number,
): number[] {
  const found: number[] = [];
  for (let c = 0; c < list.chunks.length && found.length < limit; c++) {
    if (performance.now() > deadline) break;
    const chunk = list.chunks[c] as string;
    const base = c * CHUNK;
    const last = Math.min(list.size, base + CHUNK) - 1;
    for (let at = chunk.indexOf(needle); at !== -1 && found.length < limit;) {
      let lo = base;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((list.starts[mid] as number) <= at) lo = mid;
        else hi = mid - 1;
      }
      if (accept(lo)) found.push(lo);
      at = lo < last ? chunk.indexOf(needle, list.starts[lo + 1] as number) : -1;
    }
  }
  return found;
}

/**
 * The best `limit` positions for a query: exact name, name prefix, every word as a word prefix, substring,
 * then (only when those leave room) fuzzy — the query's letters in order. Within a tier, display order.
 * The name tiers are binary searches; the scans share `budgetMs`, so a keystroke costs about that at worst.
 */
export function searchList(list: SearchList, query: string, limit: number, budgetMs: number): number[] {
  const q = normalize(query);
  if (!q) return Array.from({ length: Math.min(limit, list.size) }, (_, p) => p);
  const deadline = performance.now() + budgetMs;
  const from = lowerBound(list, q);
  const exactEnd = lowerBound(list, `${q}\0`);
  const prefixEnd = lowerBound(list, `${q}\uffff`);
  const exact = firstPositions(list, from, exactEnd, limit);
  const prefix = firstPositions(list, exactEnd, prefixEnd, limit - exact.length);
  // Name matches rank first: when they fill the list, the scans cannot change it.
  if (exact.length + prefix.length >= limit) return [...exact, ...prefix];
  const words = queryWords(q);
  const named = (p: number) => (list.names[list.order[p] as number] as string).startsWith(q);
  const hasWords = (p: number) => {
    const text = wordsAt(list, p);
    return words.every((w) => text.includes(w));
  };
  // Every word-prefix match contains the longest query word at a word start.
  const longest = words.reduce((a, b) => (b.length > a.length ? b : a), '');
  const wordHits = scan(
    list,
    longest,
    limit - exact.length - prefix.length,
    (p) => !named(p) && hasWords(p),
    deadline,
  );
  const taken = new Set(wordHits);
  const found = exact.length + prefix.length + wordHits.length;
  const substringHits =
    found < limit ? scan(list, q, limit - found, (p) => !named(p) && !taken.has(p), deadline) : [];
  const results = [...exact, ...prefix, ...wordHits, ...substringHits];
  if (results.length < limit && q.length >= FUZZY_MIN_QUERY) {
    for (const p of substringHits) taken.add(p);
    const mask = letterMask(q);
    const stop = Math.min(deadline, performance.now() + FUZZY_BUDGET_MS);
    for (let p = 0; p < list.size && results.length < limit; p++) {
      if ((p & 511) === 0 && performance.now() > stop) break;
      if (((list.masks[list.order[p] as number] as number) & mask) !== mask || taken.has(p) || named(p))
        continue;
      const text = wordsAt(list, p);
      if (text.includes(q) || words.every((w) => text.includes(w))) continue;
      if (isSubsequence(q, text)) results.push(p);
    }
  }
  return results;
}
