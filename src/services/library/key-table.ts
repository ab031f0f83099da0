import type { Pacer } from './pacer.ts';
import { identity, sortSliced } from './pacer.ts';

/**
 * Every rating key of an index, ascending, and beside each where it lives (raw index × 4 + list number):
 * a binary search away, at 12 bytes a key where a Map takes about three times that.
 */
export interface KeyTable {
  keys: Float64Array;
  places: Int32Array;
}

/** Where `key` lives (raw index × 4 + list number), or -1. */
export function placeOf(table: KeyTable, key: number): number {
  let lo = 0;
  let hi = table.keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((table.keys[mid] as number) < key) lo = mid + 1;
    else hi = mid;
  }
  return table.keys[lo] === key ? (table.places[lo] as number) : -1;
}

/** The table of up to four lists' keys (list number = position in `lists`), built in slices. */
export async function keyTable(lists: readonly Float64Array[], pacer: Pacer): Promise<KeyTable> {
  const total = lists.reduce((n, list) => n + list.length, 0);
  const allKeys = new Float64Array(total);
  const allPlaces = new Int32Array(total);
  let at = 0;
  for (const [code, list] of lists.entries()) {
    allKeys.set(list, at);
    for (let raw = 0; raw < list.length; raw++) allPlaces[at + raw] = raw * 4 + code;
    at += list.length;
    await pacer.tick();
  }
  const ids = await sortSliced(
    identity(total),
    (a, b) => (allKeys[a] as number) - (allKeys[b] as number),
    pacer,
  );
  const keys = new Float64Array(total);
  const places = new Int32Array(total);
  for (let i = 0; i < total; i++) {
    keys[i] = allKeys[ids[i] as number] as number;
    places[i] = allPlaces[ids[i] as number] as number;
  }
  return { keys, places };
}
