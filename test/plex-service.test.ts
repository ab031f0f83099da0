import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UpstreamError } from '../src/errors.ts';
import { createLibraryIndex, MISS_REFRESH_MS } from '../src/services/library/library-index.ts';
import {
  createPlexService,
  LEAN_PAGE_SIZE,
  musicBrainzId,
  PAGE_SIZE,
  PLEX_TYPE,
} from '../src/services/plex/client.ts';
import { PLAYLIST_ADD_CHUNK } from '../src/services/plex/writes.ts';
import { generateLibrary } from '../fakes/library.ts';
import type { Library } from '../fakes/library.ts';
import { defaultPartData, startPlexFake } from '../fakes/plex.ts';
import type { PlexFake } from '../fakes/plex.ts';
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

  it('walks a section lean: only the fields an index needs, no Guids or media, one page held at a time', async () => {
    const pages: number[] = [];
    const keys = new Set<string>();
    const count = await plex().walkSection(lib.sectionId, PLEX_TYPE.track, async (items) => {
      pages.push(items.length);
      for (const item of items) keys.add(item.ratingKey);
      await new Promise((resolve) => setTimeout(resolve, 1));
    });
    expect(count).toBe(lib.tracks.length);
    expect(pages.length).toBe(Math.ceil(lib.tracks.length / LEAN_PAGE_SIZE));
    expect(keys).toEqual(new Set(lib.tracks.map((t) => t.ratingKey)));
    const walk = fake.requests.filter((r) => r.path.endsWith('/all') && r.query.type === '10').at(-1);
    expect(walk?.query.includeGuids).toBeUndefined();
    expect(walk?.query.excludeElements?.split(',')).toEqual(
      expect.arrayContaining(['Media', 'Genre', 'Guid']),
    );
    expect(walk?.query.excludeFields?.split(',')).toEqual(expect.arrayContaining(['summary', 'thumb']));
    // What Plex answers to that query: no Media, Guid or summary on any item.
    const query = new URLSearchParams({
      ...(walk?.query as Record<string, string>),
      'X-Plex-Container-Start': '0',
      'X-Plex-Container-Size': '5',
    });
    const response = await fetch(`${fake.url}/library/sections/${lib.sectionId}/all?${query}`, {
      headers: { accept: 'application/json', 'X-Plex-Token': fake.token },
    });
    const body = (await response.json()) as { MediaContainer: { Metadata: Array<Record<string, unknown>> } };
    for (const item of body.MediaContainer.Metadata) {
      expect(item).not.toHaveProperty('Media');
      expect(item).not.toHaveProperty('summary');
      expect(item).toHaveProperty('grandparentTitle');
    }
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

describe('Plex writes, search and downloads', () => {
  it("searches Plex's hubs by type", async () => {
    expect((await plex().search('skrillex', 5)).artists[0]?.title).toBe('Skrillex');
    const results = await plex().search('try it out', 5);
    expect(results.albums.map((a) => a.title)).toContain('Try It Out');
    expect(results.tracks.map((t) => t.title)).toContain('Try It Out (Neon mix)');
  });

  it('creates a playlist, adds in chunks of comma-joined keys, removes by playlistItemID', async () => {
    const keys = lib.tracks.slice(0, PLAYLIST_ADD_CHUNK + 50).map((t) => t.ratingKey);
    const created = await plex().createPlaylist('Autoalex test', keys.slice(0, 1));
    expect(created).toMatchObject({ title: 'Autoalex test', smart: false });
    const before = fake.requests.length;
    expect(await plex().addToPlaylist(created.ratingKey, keys.slice(1))).toBe(2);
    const puts = fake.requests.slice(before).filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(2);
    expect(puts[0]?.query.uri).toBe(
      `server://${lib.machineIdentifier}/com.plexapp.plugins.library/library/metadata/${keys.slice(1, PLAYLIST_ADD_CHUNK + 1).join(',')}`,
    );
    const items = await plex().playlistItems(created.ratingKey);
    expect(items.map((i) => i.ratingKey)).toEqual(keys);
    expect(items[0]?.playlistItemID).not.toBe(items[0]?.ratingKey);
    await plex().removeFromPlaylist(created.ratingKey, items[0]?.playlistItemID ?? '');
    expect((await plex().playlistItems(created.ratingKey)).map((i) => i.ratingKey)).toEqual(keys.slice(1));
    const smart = fake.addPlaylist({ title: 'Smart one', smart: true, ratingKeys: keys.slice(0, 2) });
    expect((await plex().playlists()).find((p) => p.ratingKey === smart.ratingKey)).toMatchObject({
      smart: true,
    });
    await expect(plex().addToPlaylist(smart.ratingKey, keys.slice(0, 1))).rejects.toMatchObject({
      kind: 'bad_response',
      status: 400,
    });
  });

  it('writes and locks an album summary, and rates and unrates a track', async () => {
    const album = lib.albums[3];
    await plex().editAlbumSummary(
      lib.sectionId,
      album?.ratingKey ?? '',
      'Line one\nJohn Coltrane: Tenor Saxophone & more',
    );
    expect(fake.edits.at(-1)).toMatchObject({
      ratingKey: album?.ratingKey,
      field: 'summary',
      value: 'Line one\nJohn Coltrane: Tenor Saxophone & more',
      locked: true,
    });
    expect((await plex().metadata(album?.ratingKey ?? ''))?.summary).toBe(
      'Line one\nJohn Coltrane: Tenor Saxophone & more',
    );
    const track = lib.tracks[7]?.ratingKey ?? '';
    await plex().rate(track, 8);
    expect((await plex().metadata(track))?.userRating).toBe(8);
    await plex().rate(track, null);
    expect(fake.ratings.at(-1)).toMatchObject({ ratingKey: track, rating: null });
  });

  it('streams a media part to a file and leaves nothing behind when Plex fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'autoalex-part-'));
    const track = lib.tracks[0]!;
    const bytes = await plex().downloadPart(track.partKey, join(dir, 'track.flac'));
    expect(readFileSync(join(dir, 'track.flac'))).toEqual(defaultPartData(track));
    expect(bytes).toBe(defaultPartData(track).length);
    fake.failure = { kind: 'status', status: 500 };
    await expect(plex().downloadPart(track.partKey, join(dir, 'again.flac'))).rejects.toMatchObject({
      kind: 'bad_response',
    });
    fake.failure = { kind: 'slow', delayMs: 1500 };
    await expect(
      plex({ timeoutMs: 200 }).downloadPart(track.partKey, join(dir, 'slow.flac')),
    ).rejects.toMatchObject({ kind: 'timeout' });
    await expect(plex().downloadPart('/etc/passwd', join(dir, 'x'))).rejects.toMatchObject({
      kind: 'not_found',
    });
    expect(readdirSync(dir)).toEqual(['track.flac']);
  });
});

describe('Plex media downloads that stall or drip (issue 15.3)', () => {
  it.each([
    ['stalls after the headers', { kind: 'stall-body' } as const],
    ['drips a byte every 50 ms', { kind: 'drip', intervalMs: 50 } as const],
  ])('gives up a download whose body %s, and leaves no file behind', async (_name, failure) => {
    const dir = mkdtempSync(join(tmpdir(), 'autoalex-part-'));
    const track = lib.tracks[0]!;
    fake.failure = failure;
    const started = performance.now();
    await expect(
      plex({ timeoutMs: 500 }).downloadPart(track.partKey, join(dir, 'track.flac')),
    ).rejects.toMatchObject({ kind: 'timeout' });
    // The 4 KiB part may take the response timeout plus its size at the slowest rate allowed: well under 2 s.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(readdirSync(dir)).toEqual([]);
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

  it('after a miss, rebuilds in the background at most once per MISS_REFRESH_MS, without waiting', async () => {
    const index = createLibraryIndex({ plex: plex(), logger, sections: [] });
    await index.ready();
    const walks = () => fake.requests.filter((r) => r.path.endsWith('/all')).length;
    const before = walks();
    expect(index.refreshSoon()).toBe(false); // it has just been built
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + MISS_REFRESH_MS + 1000);
      expect(index.refreshSoon()).toBe(true);
      expect(index.refreshSoon()).toBe(false); // one is running
    } finally {
      vi.useRealTimers();
    }
    await index.refresh(); // joins the one running
    expect(walks()).toBeGreaterThan(before);
    const after = walks();
    expect(index.refreshSoon()).toBe(false); // the last one started moments ago
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(walks()).toBe(after);
  });

  it('indexes only the configured music sections', async () => {
    const index = createLibraryIndex({ plex: plex(), logger, sections: ['Audiobooks'] });
    await index.refresh();
    expect(index.stats()).toMatchObject({ artists: 0, tracks: 0 });
  });
});
