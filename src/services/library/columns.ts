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

const STRING_COLUMNS = ['heads', 'tails', 'names'] as const;

/** One step of growing every column to `capacity`: a string column, or the two number columns. */
function growColumn(c: Columns, column: (typeof STRING_COLUMNS)[number] | 'numbers', capacity: number): void {
  if (column === 'numbers') {
    for (const numbers of ['keys', 'parents'] as const) {
      const next = new Float64Array(capacity);
      next.set(c[numbers].subarray(0, c.size));
      c[numbers] = next;
    }
    return;
  }
  const next = new Array<string>(capacity);
  for (let i = 0; i < c.size; i++) next[i] = c[column][i] as string;
  c[column] = next;
}

const GROWTH_STEPS = [...STRING_COLUMNS, 'numbers'] as const;

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
  for (const step of GROWTH_STEPS) {
    growColumn(c, step, capacity);
    await between();
  }
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
  if (c.size === c.keys.length)
    for (const step of GROWTH_STEPS) growColumn(c, step, c.size + Math.max(1024, c.size >> 1));
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
  for (const column of STRING_COLUMNS) c[column].length = c.size;
  return { ...c, keys: c.keys.slice(0, c.size), parents: c.parents.slice(0, c.size) };
}
