import type { RecordedHttpRequest } from '../http-fake.ts';
import type { LibItem } from '../library.ts';
import { ratingOf } from './items.ts';
import type { LibraryViews, PlexState } from './state.ts';

/**
 * Plex's filter and sort language for `/library/sections/{id}/all`. In a query string the operator sits at
 * the end of the key: `userRating>=8` arrives as key `userRating>` and value `8`; `userRating>>=7` as
 * `userRating>>`; `title==x` as key `title` and value `=x`. `>=`/`<=` include the bound, `>>=`/`<<=` do
 * not. A plain `field=value` is equality for numbers and "contains" for strings; comma-separated values
 * are alternatives. Fields Plex does not know are ignored silently — as Plex does, so a typo returns
 * everything.
 */

type Getter = (item: LibItem, state: PlexState) => number | string | undefined;

const n = (value: string) => Number(value);
const GETTERS: Record<string, Getter> = {
  title: (i) => i.title,
  userRating: (i, s) => ratingOf(s, i),
  addedAt: (i) => (i.type === 'track' ? undefined : i.addedAt),
  id: (i) => n(i.ratingKey),
  year: (i, s) => (i.type === 'album' ? i.year : i.type === 'track' ? yearOf(i.albumKey, s) : undefined),
  index: (i) => (i.type === 'track' ? i.index : undefined),
  duration: (i) => (i.type === 'track' ? i.durationMs : undefined),
  originalTitle: (i) => (i.type === 'track' ? i.originalTitle : undefined),
  'artist.id': (i) => n(i.type === 'artist' ? i.ratingKey : i.artistKey),
  'artist.title': (i) => (i.type === 'artist' ? i.title : i.artistTitle),
  'album.id': (i) => (i.type === 'album' ? n(i.ratingKey) : i.type === 'track' ? n(i.albumKey) : undefined),
  'album.title': (i) => (i.type === 'album' ? i.title : i.type === 'track' ? i.albumTitle : undefined),
  'track.id': (i) => (i.type === 'track' ? n(i.ratingKey) : undefined),
};

function yearOf(albumKey: string, state: PlexState): number | undefined {
  const album = state.lib.byKey.get(albumKey);
  return album?.type === 'album' ? album.year : undefined;
}

/** Fields each type can be filtered on; anything else is ignored. */
const FIELDS: Record<number, string[]> = {
  8: ['title', 'userRating', 'addedAt', 'id', 'artist.id', 'artist.title'],
  9: ['title', 'userRating', 'addedAt', 'id', 'year', 'artist.id', 'artist.title', 'album.id'],
  10: [
    'title',
    'userRating',
    'id',
    'year',
    'index',
    'duration',
    'originalTitle',
    'artist.id',
    'artist.title',
    'album.id',
    'album.title',
    'track.id',
  ],
};

type Test = (item: LibItem) => boolean;

function filterTest(key: string, raw: string, state: PlexState, type: number): Test | null {
  const m = /^([A-Za-z.]+?)(>>|<<|>|<|!)?$/.exec(key);
  if (!m || !FIELDS[type]?.includes(m[1] as string)) return null;
  const get = GETTERS[m[1] as string] as Getter;
  const suffix = m[2] ?? '';
  const exact = raw.startsWith('=') && (suffix === '' || suffix === '!');
  const values = (exact ? raw.slice(1) : raw).split(',');
  const matchOne = (have: number | string | undefined, want: string): boolean => {
    if (have === undefined) return false;
    if (typeof have === 'number') return have === Number(want);
    return exact
      ? have.toLowerCase() === want.toLowerCase()
      : have.toLowerCase().includes(want.toLowerCase());
  };
  const bound = Number(values[0]);
  switch (suffix) {
    case '':
      return (item) => values.some((v) => matchOne(get(item, state), v));
    case '!':
      return (item) => !values.some((v) => matchOne(get(item, state), v));
    default:
      return (item) => {
        const have = get(item, state);
        if (typeof have !== 'number' || Number.isNaN(bound)) return false;
        if (suffix === '>') return have >= bound;
        if (suffix === '>>') return have > bound;
        if (suffix === '<') return have <= bound;
        return have < bound;
      };
  }
}

const SORTS: Record<
  string,
  (item: LibItem, state: PlexState, views: LibraryViews) => number | string | undefined
> = {
  titleSort: (i, _s, v) => v.sortKeys.get(i.ratingKey),
  title: (i, _s, v) => v.sortKeys.get(i.ratingKey),
  userRating: (i, s) => ratingOf(s, i),
  addedAt: (i, s) => (i.type === 'track' ? undefined : i.addedAt) ?? GETTERS.year?.(i, s),
  year: (i, s) => GETTERS.year?.(i, s),
  originallyAvailableAt: (i, s) => GETTERS.year?.(i, s),
  index: (i) => (i.type === 'track' ? i.index : undefined),
  duration: (i) => (i.type === 'track' ? i.durationMs : undefined),
  ratingKey: (i) => Number(i.ratingKey),
  id: (i) => Number(i.ratingKey),
  'artist.titleSort': (i, _s, v) => v.sortKeys.get(i.type === 'artist' ? i.ratingKey : i.artistKey),
};

/**
 * `sort=userRating:desc,titleSort`: unrated (missing) values sort last either way, like Plex lists them.
 * Returns null when no field is known (the list keeps its default order). Keys are read once per item.
 */
function sortItems(items: LibItem[], spec: string, state: PlexState, views: LibraryViews): LibItem[] | null {
  const keys = spec
    .split(',')
    .map((part) => part.split(':'))
    .filter(([field]) => field !== undefined && field in SORTS)
    .map(([field, dir]) => ({ get: SORTS[field as string] as (typeof SORTS)[string], desc: dir === 'desc' }));
  if (keys.length === 0) return null;
  const keyed = items.map((item) => ({ item, values: keys.map(({ get }) => get(item, state, views)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const x = a.values[i];
      const y = b.values[i];
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      const c = x < y ? -1 : 1;
      return keys[i]?.desc ? -c : c;
    }
    return 0;
  });
  return keyed.map((k) => k.item);
}

const CONTROL_PARAMS =
  /^(type|sort|includeGuids|include\w*|exclude\w*|checkFiles|asyncAugmentMetadata|X-Plex-.*)$/;

/** The items of `/library/sections/{id}/all?type=…` after filters and sort (before paging). */
export function selectSectionItems(
  state: PlexState,
  views: LibraryViews,
  type: number,
  query: RecordedHttpRequest['query'],
): LibItem[] {
  const all: LibItem[] =
    type === 8 ? views.artists : type === 9 ? views.albums : type === 10 ? views.tracks : [];
  const tests: Test[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (CONTROL_PARAMS.test(key)) continue;
    const test = filterTest(key, value, state, type);
    if (test) tests.push(test);
  }
  const items = tests.length ? all.filter((item) => tests.every((t) => t(item))) : all;
  return (query.sort ? sortItems(items, query.sort, state, views) : null) ?? items;
}

/** `X-Plex-Container-Start` / `-Size` from headers or query; null when the client did not ask for a page. */
export function paging(req: RecordedHttpRequest): { start: number; size: number } | null {
  const header = (name: string) => {
    const value = req.headers[name.toLowerCase()] ?? req.query[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const start = header('X-Plex-Container-Start');
  const size = header('X-Plex-Container-Size');
  if (start === undefined && size === undefined) return null;
  return {
    start: Math.max(0, Number.parseInt(start ?? '0', 10) || 0),
    size: size === undefined ? Infinity : Math.max(0, Number.parseInt(size, 10) || 0),
  };
}
