import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamError } from '../src/errors.ts';
import { createLibraryIndex } from '../src/services/library-index.ts';
import { createPlexService, musicBrainzId, PAGE_SIZE, PLEX_TYPE } from '../src/services/plex.ts';
import { generateLibrary } from './fakes/library.ts';
import type { Library } from './fakes/library.ts';
import { startPlexFake } from './fakes/plex.ts';
import type { PlexFake } from './fakes/plex.ts';
import { captureLogger } from './helpers/logs.ts';

let lib: Library;
let fake: PlexFake;
const { logger, text: logText } = captureLogger(['fake-plex-token']);

function plex(options: { token?: string; timeoutMs?: number } = {}) {
  return createPlexService({
    baseUrl: fake.url,
    token: options.token ?? fake.token,
    timeoutMs: options.timeoutMs ?? 2000,
    logger,
  });
}

beforeAll(async () => {
  // More tracks than one page, so paging is exercised.
  lib = generateLibrary({ artists: 400, albumsPerArtist: [2, 4], tracksPerAlbum: [6, 12], seed: 3 });
  expect(lib.tracks.length).toBeGreaterThan(PAGE_SIZE);
  fake = await startPlexFake(lib);
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.failure = { kind: 'none' };
});

describe('Plex service', () => {
  it('reads the server identity and the music sections', async () => {
    expect((await plex().identity()).machineIdentifier).toBe(lib.machineIdentifier);
    expect(await plex().musicSections()).toEqual([{ id: lib.sectionId, title: lib.sectionTitle }]);
  });

  it('walks a whole section in pages and returns every track with its Guids', async () => {
    const pages: number[] = [];
    const tracks = await plex().listSection(lib.sectionId, PLEX_TYPE.track, {
      onPage: (items) => pages.push(items.length),
    });
    expect(tracks).toHaveLength(lib.tracks.length);
    expect(pages.length).toBe(Math.ceil(lib.tracks.length / PAGE_SIZE));
    expect(new Set(tracks.map((t) => t.ratingKey))).toEqual(new Set(lib.tracks.map((t) => t.ratingKey)));
    const withMbid = lib.tracks.find((t) => t.mbid);
    expect(musicBrainzId(tracks.find((t) => t.ratingKey === withMbid?.ratingKey) ?? { Guid: [] })).toBe(
      withMbid?.mbid,
    );
  });

  it("filters on Plex's side with the operator in the key (userRating>=8)", async () => {
    const rated = await plex().listSection(lib.sectionId, PLEX_TYPE.track, {
      filters: [['userRating>=', '8']],
    });
    const want = lib.tracks.filter((t) => (t.userRating ?? -1) >= 8).map((t) => t.ratingKey);
    expect(rated.map((t) => t.ratingKey).sort()).toEqual(want.sort());
    expect(fake.requests.at(-1)?.query['userRating>']).toBe('8');
  });

  it("reads an artist's albums and all of its tracks", async () => {
    const artist = lib.artists[5];
    const albums = await plex().children(artist?.ratingKey ?? '');
    expect(albums.map((a) => a.ratingKey).sort()).toEqual(
      lib.albums
        .filter((a) => a.artistKey === artist?.ratingKey)
        .map((a) => a.ratingKey)
        .sort(),
    );
    const leaves = await plex().allLeaves(artist?.ratingKey ?? '');
    const tracks = lib.tracks.filter((t) => t.artistKey === artist?.ratingKey);
    expect(leaves).toHaveLength(tracks.length);
    expect(leaves[0]?.Media?.[0]?.Part?.[0]?.key).toMatch(/^\/library\/parts\/\d+\//);
  });

  it('answers null for an unknown item and refuses keys that are not rating keys', async () => {
    expect(await plex().metadata('99999999')).toBeNull();
    expect(await plex().metadata('../../etc')).toBeNull();
    expect((await plex().metadata('156'))?.title).toBe('Skrillex');
  });

  it.each([
    ['a wrong token', {}, 'unauthorized'],
    ['a server error', { kind: 'status', status: 500 } as const, 'bad_response'],
    ['a cut connection', { kind: 'down' } as const, 'unreachable'],
    ['a non-JSON body', { kind: 'malformed' } as const, 'bad_response'],
  ])('maps %s to %s', async (name, failure, kind) => {
    if ('kind' in failure) fake.failure = failure;
    const service = plex(name === 'a wrong token' ? { token: 'wrong' } : {});
    const error = await service.musicSections().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).kind).toBe(kind);
  });

  it('gives up after the timeout', async () => {
    fake.failure = { kind: 'slow', delayMs: 1500 };
    await expect(plex({ timeoutMs: 200 }).identity()).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('never logs the token', () => {
    expect(logText()).toContain('plex call failed');
    expect(logText()).not.toContain('fake-plex-token');
  });
});

describe('library index', () => {
  it('indexes every artist, album and track and ranks exact, prefix and word matches before fuzzy ones', async () => {
    const index = createLibraryIndex({ plex: plex(), logger, sections: [] });
    await index.refresh();
    expect(index.stats()).toMatchObject({
      artists: lib.artists.length,
      albums: lib.albums.length,
      tracks: lib.tracks.length,
    });
    expect(index.search('artist', 'skrillex', 25)[0]?.label).toBe('Skrillex');
    expect(index.search('artist', 'SKRIL', 25)[0]?.label).toBe('Skrillex');
    expect(index.search('artist', 'motorhead', 5)[0]?.label).toBe('Motörhead');
    const tracks = index.search('track', 'neon mix', 25);
    expect(tracks[0]?.label).toBe('Try It Out (Neon mix) — Skrillex (Try It Out)');
    expect(index.search('album', 'try it out', 5)[0]?.label).toMatch(/^Skrillex — Try It Out/);
    expect(index.search('artist', 'skrlx', 5).map((e) => e.label)).toContain('Skrillex');
    expect(index.search('track', '', 25)).toHaveLength(25);
  });

  it('keeps the previous index when a refresh fails, and builds on demand for ready()', async () => {
    const index = createLibraryIndex({ plex: plex(), logger, sections: [lib.sectionTitle] });
    await index.ready();
    fake.failure = { kind: 'down' };
    await expect(index.refresh()).rejects.toMatchObject({ kind: 'unreachable' });
    expect(index.stats().tracks).toBe(lib.tracks.length);
    const cold = createLibraryIndex({ plex: plex(), logger, sections: [] });
    await expect(cold.ready()).rejects.toMatchObject({ kind: 'unreachable' });
    expect(cold.search('artist', 'skrillex', 5)).toEqual([]);
  });

  it('indexes only the configured music sections', async () => {
    const index = createLibraryIndex({ plex: plex(), logger, sections: ['Audiobooks'] });
    await index.refresh();
    expect(index.stats()).toMatchObject({ artists: 0, tracks: 0 });
  });
});
