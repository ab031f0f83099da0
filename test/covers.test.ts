import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../src/logger.ts';
import { createCoverService } from '../src/services/plex/covers.ts';
import type { CoverOptions } from '../src/services/plex/covers.ts';
import { renderCompletionCard } from '../src/views/cards/completion-card.ts';
import { generateLibrary } from '../fakes/library.ts';
import type { LibAlbum, Library } from '../fakes/library.ts';
import { startPlexFake } from '../fakes/plex.ts';
import type { PlexFake } from '../fakes/plex.ts';
import { decodePng } from './helpers/png-pixels.ts';

const PHOTO = '/photo/:/transcode';
let lib: Library;
let plex: PlexFake;
let albums: LibAlbum[];

const service = (options: Partial<CoverOptions> = {}) =>
  createCoverService({
    baseUrl: plex.url,
    token: plex.token,
    timeoutMs: 5000,
    logger: createSilentLogger(),
    ...options,
  });
const photoRequests = () => plex.requests.filter((r) => r.path === PHOTO);

beforeAll(async () => {
  lib = generateLibrary({
    artists: 4,
    albumsPerArtist: 12,
    tracksPerAlbum: 2,
    seed: 3,
    includeFixtures: false,
  });
  albums = lib.albums;
  plex = await startPlexFake(lib);
});
afterAll(() => plex.close());
beforeEach(() => {
  plex.coverFailures.clear();
  plex.requests.length = 0;
});

describe('cover service', () => {
  it("fetches covers at card size from Plex's photo transcoder, with the token in a header only", async () => {
    const covers = service();
    const thumb = albums[0]!.thumb;
    const data = await covers.get(thumb, 220);
    const png = await decodePng(data!);
    expect([png.width, png.height]).toEqual([220, 220]);
    const [request] = photoRequests();
    expect(request?.query).toMatchObject({ width: '220', height: '220', url: thumb });
    expect(request?.query['X-Plex-Token']).toBeUndefined();
    expect(request?.headers['x-plex-token']).toBe(plex.token);
  });

  it('keeps covers in memory: a second card asks Plex for nothing', async () => {
    const covers = service();
    const thumbs = albums.slice(0, 10).map((a) => a.thumb);
    expect((await covers.getMany(thumbs, 220, 1500)).size).toBe(10);
    expect(photoRequests()).toHaveLength(10);
    expect((await covers.getMany([...thumbs, thumbs[0]], 220, 1500)).size).toBe(10);
    expect(photoRequests()).toHaveLength(10);
  });

  it('evicts the least recently used cover beyond its bounds, by count and by bytes', async () => {
    const byCount = service({ maxEntries: 3 });
    const [a, b, c, d] = albums.map((x) => x.thumb);
    for (const thumb of [a, b, c]) await byCount.get(thumb!, 64);
    await byCount.get(a!, 64); // a is now the most recent: b goes first
    await byCount.get(d!, 64);
    const before = photoRequests().length;
    await byCount.get(a!, 64);
    await byCount.get(d!, 64);
    expect(photoRequests().length).toBe(before);
    await byCount.get(b!, 64);
    expect(photoRequests().length).toBe(before + 1);

    const one = (await service().get(a!, 64))!.length;
    const byBytes = service({ maxBytes: one * 2 + 10 });
    for (const thumb of [a, b, c]) await byBytes.get(thumb!, 64);
    const then = photoRequests().length;
    await byBytes.get(c!, 64);
    expect(photoRequests().length).toBe(then);
    await byBytes.get(a!, 64);
    expect(photoRequests().length).toBe(then + 1);
  });

  it('returns within the budget without a slow cover, which still lands in the cache for next time', async () => {
    const covers = service();
    const slow = albums[1]!;
    plex.coverFailures.set(slow.ratingKey, { kind: 'slow', delayMs: 800 });
    const thumbs = albums.slice(0, 4).map((a) => a.thumb);
    const started = performance.now();
    const found = await covers.getMany(thumbs, 220, 300);
    expect(performance.now() - started).toBeLessThan(700);
    expect(found.has(slow.thumb)).toBe(false);
    expect(found.size).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 900));
    const before = photoRequests().length;
    expect((await covers.getMany(thumbs, 220, 300)).size).toBe(4);
    expect(photoRequests().length).toBe(before);
  });

  it('leaves out covers that fail, are missing or are not images, and does not ask again for a missing one', async () => {
    const covers = service();
    const [down, error, missing, html, fine] = albums;
    plex.coverFailures.set(down!.ratingKey, { kind: 'down' });
    plex.coverFailures.set(error!.ratingKey, { kind: 'status', status: 500 });
    plex.coverFailures.set(missing!.ratingKey, { kind: 'status', status: 404 });
    plex.coverFailures.set(html!.ratingKey, { kind: 'status', status: 200, contentType: 'text/html' });
    const thumbs = [down, error, missing, html, fine].map((a) => a!.thumb);
    const found = await covers.getMany(thumbs, 220, 1500);
    expect([...found.keys()]).toEqual([fine!.thumb]);
    const before = photoRequests().length;
    await covers.get(missing!.thumb, 220);
    expect(photoRequests().length).toBe(before);
  });

  it('gets nothing, and throws nothing, with a wrong token', async () => {
    const covers = service({ token: 'wrong' });
    expect((await covers.getMany([albums[0]!.thumb], 220, 1500)).size).toBe(0);
    expect(photoRequests()).toHaveLength(1);
  });

  it('never asks Plex to fetch anything but one of its own image paths', async () => {
    const covers = service();
    for (const thumb of ['http://169.254.169.254/latest/meta-data', '//evil.example/x.png', 'thumb', ''])
      expect(await covers.get(thumb, 220)).toBeNull();
    expect(photoRequests()).toHaveLength(0);
  });

  it('sends at most twelve requests at a time', async () => {
    const covers = service();
    for (const album of albums.slice(0, 20))
      plex.coverFailures.set(album.ratingKey, { kind: 'slow', delayMs: 400 });
    const pending = covers.getMany(
      albums.slice(0, 20).map((a) => a.thumb),
      220,
      3000,
    );
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(photoRequests()).toHaveLength(12);
    expect((await pending).size).toBe(20);
  });

  it('lets a card with slow and broken covers render fast with placeholders', async () => {
    const covers = service();
    const shown = albums.slice(12, 42);
    shown.forEach((album, i) => {
      if (i % 3 === 0) plex.coverFailures.set(album.ratingKey, { kind: 'slow', delayMs: 5000 });
      if (i % 3 === 1) plex.coverFailures.set(album.ratingKey, { kind: 'malformed' });
    });
    const started = performance.now();
    const found = await covers.getMany(
      shown.map((a) => a.thumb),
      220,
      500,
    );
    const png = await renderCompletionCard({
      artist: 'Slow Covers',
      listener: 'Alex',
      played: 10,
      total: 60,
      plays: 12,
      albums: shown.map((album, i) => ({
        key: album.ratingKey,
        title: album.title,
        year: album.year,
        played: i % 2,
        total: 2,
        cover: found.get(album.thumb),
      })),
    });
    expect(performance.now() - started).toBeLessThan(2000);
    expect((await decodePng(png)).width).toBe(1000);
    // The malformed ones arrived (as bytes that are not an image) and were drawn as placeholders.
    expect(found.size).toBe(20);
  });
});
