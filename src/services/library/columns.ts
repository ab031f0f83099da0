/**
 * What a build collects per entry, in walk order. A label is split in two where one part is the same for
 * many entries (the ten tracks of an album share " — Artist (Album)"), so that part is stored once: labels
 * hold an em dash, which makes every label a two-byte string, and were most of a track's memory.
 *
 * The arrays are sized once from the walk's total (Plex's totalSize) instead of growing by push: growing a
 * 300,000-element array copies it, and at that size one copy held the event loop for 60–100 ms.
 */
export interface Columns {
  heads: string[];
  tails: string[];
  names: string[];
  keys: Float64Array;
  parents: Float64Array;
  /** Entries written so far; the arrays may be longer (reserved). */
  size: number;
}

export function emptyColumns(): Columns {
  return {
    heads: [],
    tails: [],
    names: [],
    keys: new Float64Array(0),
    parents: new Float64Array(0),
    size: 0,
  };
}

function grownStrings(list: string[], size: number, capacity: number): string[] {
  const next = new Array<string>(capacity);
  for (let i = 0; i < size; i++) next[i] = list[i] as string;
  return next;
}

function grownNumbers(list: Float64Array, size: number, capacity: number): Float64Array {
  const next = new Float64Array(capacity);
  next.set(list.subarray(0, size));
  return next;
}

/**
 * Room for `more` entries beyond those written, in one allocation per column; `between` runs after each
 * column (a pacer's tick: allocating 400,000 slots takes about 10 ms a column).
 */
export async function reserve(
  c: Columns,
  more: number,
  between: () => Promise<void> | undefined = () => undefined,
): Promise<void> {
  const capacity = c.size + more;
  if (capacity <= c.keys.length) return;
  for (const column of ['heads', 'tails', 'names'] as const) {
    c[column] = grownStrings(c[column], c.size, capacity);
    await between();
  }
  c.keys = grownNumbers(c.keys, c.size, capacity);
  c.parents = grownNumbers(c.parents, c.size, capacity);
}

/** Synchronous growth, for the rare page beyond the announced total. */
function grow(c: Columns, more: number): void {
  const capacity = c.size + more;
  for (const column of ['heads', 'tails', 'names'] as const)
    c[column] = grownStrings(c[column], c.size, capacity);
  c.keys = grownNumbers(c.keys, c.size, capacity);
  c.parents = grownNumbers(c.parents, c.size, capacity);
}

export function append(
  c: Columns,
  head: string,
  tail: string,
  name: string,
  key: number,
  parent: number,
): void {
  // A library that grew during the walk: more items than its total said (rare; grows by half).
  if (c.size === c.keys.length) grow(c, Math.max(1024, c.size >> 1));
  const at = c.size++;
  c.heads[at] = head;
  c.tails[at] = tail;
  c.names[at] = name;
  c.keys[at] = key;
  c.parents[at] = parent;
}

/** The columns cut to the entries written (fewer than reserved when items were skipped or removed meanwhile). */
export function trimmed(c: Columns): Columns {
  if (c.keys.length === c.size) return c;
  for (const list of [c.heads, c.tails, c.names]) list.length = c.size;
  return { ...c, keys: c.keys.slice(0, c.size), parents: c.parents.slice(0, c.size) };
}
