import type { IndexItem } from '../plex/client.ts';
import { labelOf, wordsAt } from './search-list.ts';
import type { SearchList } from './search-list.ts';
import { letterMask, normalize } from './text-match.ts';
import type { Searchable } from './text-match.ts';

/** How a Plex item becomes an entry of the library index, and an entry is read back from its columns. */

export type EntryKind = 'artist' | 'album' | 'track';

/** One library item as lookups see it (made on demand from the index's columns). */
export interface IndexEntry extends Searchable {
  kind: EntryKind;
  key: string;
  /** What autocomplete shows: "Artist", "Artist — Album (Year)", "Track — Artist (Album)". */
  label: string;
  /** The artist's rating key (albums and tracks), for grouping. */
  artistKey?: string;
}

/** A label in two parts, [unique, shared] or [shared, unique]: "Track" + " — Artist (Album)", "Artist — " + "Album (Year)". */
export function labelParts(kind: EntryKind, item: IndexItem): [head: string, tail: string] {
  if (kind === 'artist') return [item.title, ''];
  if (kind === 'album') {
    const year = item.year ? ` (${item.year})` : '';
    return [`${item.parentTitle ?? 'Unknown artist'} — `, `${item.title}${year}`];
  }
  const artist = item.originalTitle || item.grandparentTitle || 'Unknown artist';
  return [item.title, ` — ${artist}${item.parentTitle ? ` (${item.parentTitle})` : ''}`];
}

function label(kind: EntryKind, item: IndexItem): string {
  const [head, tail] = labelParts(kind, item);
  return head + tail;
}

/**
 * A flat copy of a string built by concatenation, slicing or trimming: V8 keeps those as trees or views of
 * a bigger string, two to five times the size of the text, for as long as the index holds them.
 */
export function flat(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

export function parentOf(kind: EntryKind, item: IndexItem): string | undefined {
  return kind === 'album' ? item.parentRatingKey : kind === 'track' ? item.grandparentRatingKey : undefined;
}

export function toEntry(kind: EntryKind, item: IndexItem): IndexEntry {
  const text = label(kind, item);
  const words = ` ${normalize(text)}`;
  return {
    kind,
    key: item.ratingKey,
    label: text,
    name: normalize(item.title),
    words,
    mask: letterMask(words),
    artistKey: parentOf(kind, item),
  };
}

export function entryAt(list: SearchList, kind: EntryKind, position: number): IndexEntry {
  const raw = list.order[position] as number;
  const words = wordsAt(list, position);
  const parent = list.parents[raw] as number;
  return {
    kind,
    key: String(list.keys[raw]),
    label: labelOf(list, raw),
    name: list.names[raw] as string,
    words,
    mask: list.masks[raw] as number,
    artistKey: Number.isNaN(parent) ? undefined : String(parent),
  };
}
