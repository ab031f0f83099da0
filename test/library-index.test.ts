import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toUserMessage } from '../src/errors.ts';
import { createLibraryIndex } from '../src/services/library/library-index.ts';
import { createPlexService } from '../src/services/plex/client.ts';
import { addArtist, generateLibrary } from '../fakes/library.ts';
import type { Library } from '../fakes/library.ts';
import { startPlexFake } from '../fakes/plex.ts';
import type { PlexFake } from '../fakes/plex.ts';
import { captureLogger } from './helpers/logs.ts';

let lib: Library;
let fake: PlexFake;
const { logger } = captureLogger(['fake-plex-token']);

function index() {
  const plex = createPlexService({ baseUrl: fake.url, token: fake.token, timeoutMs: 5000, logger });
  return createLibraryIndex({ plex, logger, sections: [] });
}

beforeAll(async () => {
  // Big enough that a build takes many slices (the index yields between them).
  lib = generateLibrary({ artists: 300, albumsPerArtist: [3, 4], tracksPerAlbum: [9, 10], seed: 21 });
  fake = await startPlexFake(lib);
});
afterAll(() => fake.close());

describe('library index builds and swaps', () => {
  it('gives up a build still walking after its deadline, says so, and keeps no half-built index', async () => {
    const plex = createPlexService({ baseUrl: fake.url, token: fake.token, timeoutMs: 5000, logger });
    const library = createLibraryIndex({ plex, logger, sections: [], buildDeadlineMs: 300 });
    // Every page answers well within its own timeout; it is the walk as a whole that takes too long.
    fake.failureFor = (req) => (req.path.endsWith('/all') ? { kind: 'slow', delayMs: 200 } : undefined);
    const started = performance.now();
    try {
      const error = await library.refresh().catch((e: unknown) => e);
      expect(toUserMessage(error).text).toBe(
        'Plex did not list the whole library within 0.3 s, so the library index was not built. Autoalex tries again later.',
      );
    } finally {
      fake.failureFor = undefined;
    }
    expect(performance.now() - started).toBeLessThan(1000);
    expect(library.stats()).toEqual({ artists: 0, albums: 0, tracks: 0, builtAt: null });
  });

  it('answers from the old index during a rebuild and swaps the new one in whole', async () => {
    const library = index();
    await library.refresh();
    const old = library.stats();
    const added = addArtist(lib, 'Zyxwvut Newcomer');
    // Slow pages: the rebuild spans many event-loop turns, and lookups run in between.
    fake.failureFor = (req) => (req.path.endsWith('/all') ? { kind: 'slow', delayMs: 40 } : undefined);
    const seen: string[] = [];
    const lookups: Array<string | undefined> = [];
    const probe = setInterval(() => {
      const { artists, albums, tracks } = library.stats();
      seen.push(`${artists}/${albums}/${tracks}`);
      lookups.push(library.search('artist', 'zyxwvut', 5)[0]?.key);
    }, 2);
    try {
      await library.refresh();
    } finally {
      clearInterval(probe);
      fake.failureFor = undefined;
    }
    const now = library.stats();
    expect(now.artists).toBe(old.artists + 1);
    // Every lookup saw a whole index: the old one (without the newcomer) until the swap, then the new one.
    expect(new Set(seen)).toEqual(new Set([`${old.artists}/${old.albums}/${old.tracks}`]));
    expect(lookups.length).toBeGreaterThan(10);
    expect(lookups.every((key) => key === undefined)).toBe(true);
    expect(library.search('artist', 'zyxwvut', 5)[0]?.key).toBe(added.ratingKey);
    expect(library.get(added.ratingKey)?.label).toBe('Zyxwvut Newcomer');
  });

  it('shows renamed items after a rebuild and keeps the unchanged ones as they were', async () => {
    const library = index();
    await library.refresh();
    const track = lib.tracks[7] as (typeof lib.tracks)[number];
    const untouched = lib.tracks[900] as (typeof lib.tracks)[number];
    const before = library.get(untouched.ratingKey);
    const oldTitle = track.title;
    track.title = 'Qwertyuiop Renamed';
    try {
      await library.refresh();
      const label = library.get(track.ratingKey)?.label;
      expect(label?.startsWith('Qwertyuiop Renamed — ')).toBe(true);
      expect(library.search('track', 'qwertyuiop renamed', 5).map((e) => e.key)).toEqual([track.ratingKey]);
      // Whole entries, words included: an unchanged stretch of the index is the previous build's text.
      expect(library.get(untouched.ratingKey)).toEqual(before);
      expect(before).toBeDefined();
      expect(library.search('track', untouched.title, 1)[0]?.words).toBe(before?.words);
      const renamed = library.get(track.ratingKey);
      expect(renamed?.words.startsWith(' qwertyuiop renamed ')).toBe(true);
    } finally {
      track.title = oldTitle;
    }
  });

  it('builds the same index whatever total Plex announces with the first page (a library changing mid-walk)', async () => {
    const plex = createPlexService({ baseUrl: fake.url, token: fake.token, timeoutMs: 5000, logger });
    const announcing = (claim: (total: number) => number) =>
      createLibraryIndex({
        plex: {
          ...plex,
          walkSection: (section, type, onPage) =>
            plex.walkSection(section, type, (items, total, first) => onPage(items, claim(total), first)),
        },
        logger,
        sections: [],
      });
    const truthful = index();
    const tooFew = announcing(() => 1); // more items arrive than announced: the columns grow
    const tooMany = announcing((total) => total * 10); // fewer arrive: the columns are cut
    await Promise.all([truthful.refresh(), tooFew.refresh(), tooMany.refresh()]);
    const counts = truthful.stats();
    expect(counts.tracks).toBeGreaterThan(2000); // several pages of tracks
    for (const other of [tooFew, tooMany]) {
      expect({ ...other.stats(), builtAt: 0 }).toEqual({ ...counts, builtAt: 0 });
      // Every entry as the truthful build has it, and the same display order (an exact name is a binary
      // search, free of the scans' time budget).
      for (const item of [...lib.artists, ...lib.albums, ...lib.tracks])
        expect(other.get(item.ratingKey)).toEqual(truthful.get(item.ratingKey));
      for (const track of lib.tracks.slice(0, 200))
        expect(other.search('track', track.title, 1)).toEqual(truthful.search('track', track.title, 1));
    }
  });

  it("lets Plex's search confirm a title too new for the index, within a budget", async () => {
    const library = index();
    await library.refresh();
    const added = addArtist(lib, 'Brand Newer Band');
    expect(library.search('artist', 'Brand Newer Band', 5)).toEqual([]);
    const entry = await library.confirm('artist', 'brand newer band', 2000);
    expect(entry).toMatchObject({ kind: 'artist', key: added.ratingKey, label: 'Brand Newer Band' });
    // Its key resolves until a rebuild has it (a button or menu carrying it keeps working).
    expect(library.get(added.ratingKey)?.label).toBe('Brand Newer Band');
    // A typo is not confirmed (only an exact title is), and a slow Plex costs at most the budget.
    expect(await library.confirm('artist', 'Brand Newr Band', 2000)).toBeNull();
    fake.failure = { kind: 'slow', delayMs: 1000 };
    const started = performance.now();
    try {
      expect(await library.confirm('artist', 'Brand Newer Band', 100)).toBeNull();
    } finally {
      fake.failure = { kind: 'none' };
    }
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('keeps display order within a tier and fills top-k without sorting every match', async () => {
    const library = index();
    await library.refresh();
    const all = lib.tracks.filter((t) => t.title.toLowerCase().startsWith('a'));
    expect(all.length).toBeGreaterThan(25);
    const found = library.search('track', 'a', 25);
    expect(found).toHaveLength(25);
    // Shorter labels first, then by code point, as autocomplete shows them.
    const labels = found.map((e) => e.label);
    const sorted = [...labels].sort((x, y) => x.length - y.length || (x < y ? -1 : x > y ? 1 : 0));
    expect(labels).toEqual(sorted);
    // And they are the 25 first of all prefix matches in that order, not any 25.
    const expected = lib.tracks
      .map((t) => library.get(t.ratingKey))
      .filter((e) => e !== undefined && e.name.startsWith('a') && e.name !== 'a')
      .map((e) => e as { key: string; label: string })
      .sort((x, y) => x.label.length - y.label.length || (x.label < y.label ? -1 : x.label > y.label ? 1 : 0))
      .slice(0, 25)
      .map((e) => e.key);
    expect(found.map((e) => e.key)).toEqual(expected);
  });
});
