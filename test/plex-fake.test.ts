import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateHistory, generateLibrary, libraryIndex, sampleUsers } from '../fakes/library.ts';
import type { HistoryRow, LibAlbum, LibTrack, Library } from '../fakes/library.ts';
import { defaultPartData, startPlexFake } from '../fakes/plex.ts';
import type { PlexFake } from '../fakes/plex.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';
import type { TautulliFake } from '../fakes/tautulli.ts';
import { readFixture, sampleActivity } from '../fakes/tautulli-sessions.ts';

/** These tests speak the protocols with plain fetch, to prove the fakes, not the bot. */

type Json = Record<string, unknown>;
type Container = { MediaContainer: Json & { Metadata?: Json[]; size: number; totalSize?: number } };

const FIXTURE_KEYS = ['142', '156', '157', '158', '159', '160'];

describe('generated library', () => {
  it('is the same library on every run for a seed, and another for another seed', () => {
    const opts = {
      artists: 12,
      albumsPerArtist: [1, 3] as [number, number],
      tracksPerAlbum: [2, 9] as [number, number],
    };
    const a = generateLibrary({ ...opts, seed: 5 });
    const b = generateLibrary({ ...opts, seed: 5 });
    const c = generateLibrary({ ...opts, seed: 6 });
    const shape = (lib: Library) =>
      JSON.stringify([lib.machineIdentifier, lib.artists, lib.albums, lib.tracks]);
    expect(shape(a)).toBe(shape(b));
    expect(shape(c)).not.toBe(shape(a));
  });

  it('has exactly the asked size without fixtures', () => {
    const lib = generateLibrary({
      artists: 10,
      albumsPerArtist: 3,
      tracksPerAlbum: 4,
      includeFixtures: false,
    });
    expect([lib.artists.length, lib.albums.length, lib.tracks.length]).toEqual([10, 30, 120]);
    expect(lib.byKey.size).toBe(160);
    expect(lib.sectionId).toBe('5');
    expect(lib.albums.every((album) => album.trackCount === 4)).toBe(true);
  });

  it('puts the real fixture artists first with their real keys and fields, and never reuses their keys', () => {
    const lib = generateLibrary({ artists: 30, albumsPerArtist: [1, 4], tracksPerAlbum: [1, 12], seed: 9 });
    expect(lib.artists.length).toBe(30);
    expect(lib.artists.slice(0, 2).map((a) => [a.ratingKey, a.title])).toEqual([
      ['156', 'Skrillex'],
      ['142', 'System of a Down'],
    ]);
    const fixture = readFileSync(new URL('./fixtures/plex/music_tracks.json', import.meta.url), 'utf8');
    const tracks = (JSON.parse(fixture) as Container).MediaContainer.Metadata ?? [];
    for (const raw of tracks) {
      const track = lib.byKey.get(String(raw.ratingKey)) as LibTrack;
      const part = (raw.Media as Array<{ Part: Json[] }>)[0]?.Part[0] as Json;
      expect(track).toMatchObject({
        title: raw.title,
        albumKey: '157',
        artistKey: '156',
        index: raw.index,
        durationMs: raw.duration,
        partId: String(part.id),
        partKey: part.key,
        sizeBytes: part.size,
        container: part.container,
      });
    }
    // tautulli-sessions' sampleActivity plays 1431 'Chop Suey!' on 1430 'Toxicity' by 142.
    expect(lib.byKey.get('1431')).toMatchObject({ title: 'Chop Suey!', albumKey: '1430', artistKey: '142' });
    expect(lib.byKey.get('1430')).toMatchObject({ type: 'album', title: 'Toxicity', artistKey: '142' });
    const all = [...lib.artists, ...lib.albums, ...lib.tracks];
    expect(new Set(all.map((i) => i.ratingKey)).size).toBe(all.length);
    const generated = all.filter((i) => Number(i.ratingKey) >= 10_000);
    const fixtureItems = 2 + 1 + 3 + 3 + 37; // artists, Skrillex album, SOAD albums, their tracks
    expect(generated.length).toBe(all.length - fixtureItems);
    expect(generated.some((i) => FIXTURE_KEYS.includes(i.ratingKey))).toBe(false);
    expect(new Set(lib.tracks.map((t) => t.partId)).size).toBe(lib.tracks.length);
  });

  it('has awkward real-world titles: accents, CJK, punctuation and names over 100 characters', () => {
    const lib = generateLibrary({ artists: 60, albumsPerArtist: [2, 4], tracksPerAlbum: [6, 12], seed: 2 });
    const artists = lib.artists.map((a) => a.title);
    for (const name of ['Beyoncé', 'Sigur Rós', 'Motörhead', 'Björk', 'AC/DC', 'The Beatles', '坂本龍一']) {
      expect(artists).toContain(name);
    }
    expect(lib.albums.some((a) => a.title.length > 100)).toBe(true);
    expect(lib.tracks.some((t) => t.title.length > 100)).toBe(true);
    expect(lib.tracks.some((t) => /[(']/.test(t.title))).toBe(true);
    expect(lib.tracks.some((t) => t.originalTitle?.includes(' feat. '))).toBe(true);
    expect(lib.tracks.some((t) => t.userRating === 8)).toBe(true);
    expect(lib.tracks.some((t) => t.mbid) && lib.albums.some((a) => a.mbid)).toBe(true);
  });

  it('generates 100,000 tracks in well under 2 s', () => {
    const started = performance.now();
    const lib = generateLibrary({
      artists: 3000,
      albumsPerArtist: [2, 5],
      tracksPerAlbum: [5, 15],
      seed: 42,
      includeFixtures: false,
    });
    const ms = performance.now() - started;
    console.log(
      `generateLibrary: ${lib.tracks.length} tracks, ${lib.albums.length} albums in ${ms.toFixed(0)} ms`,
    );
    expect(lib.tracks.length).toBeGreaterThan(100_000);
    expect(lib.albums.length).toBeGreaterThan(10_000);
    expect(ms).toBeLessThan(2000);
  });
});

describe('Plex fake', () => {
  let lib: Library;
  let plex: PlexFake;

  const get = async (path: string, init: { token?: string | null; json?: boolean; headers?: Json } = {}) => {
    const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
    if (init.json !== false) headers.accept = 'application/json';
    if (init.token !== null) headers['x-plex-token'] = init.token ?? plex.token;
    return fetch(plex.url + path, { headers });
  };
  const json = async (path: string, headers: Json = {}): Promise<Container['MediaContainer']> => {
    const res = await get(path, { headers });
    expect(res.status).toBe(200);
    return ((await res.json()) as Container).MediaContainer;
  };
  const call = (method: string, path: string) =>
    fetch(plex.url + path, { method, headers: { accept: 'application/json', 'x-plex-token': plex.token } });
  const keys = (mc: Container['MediaContainer']) => (mc.Metadata ?? []).map((m) => m.ratingKey);
  const index = () => libraryIndex(lib);

  beforeAll(async () => {
    lib = generateLibrary({
      artists: 40,
      albumsPerArtist: [1, 3],
      tracksPerAlbum: [3, 12],
      seed: 3,
      ratedFraction: 0.3,
    });
    plex = await startPlexFake(lib);
  });
  afterAll(() => plex.close());
  beforeEach(() => {
    plex.failure = { kind: 'none' };
  });

  it('answers /identity without a token, in XML by default and JSON on request', async () => {
    const xml = await get('/identity', { token: null, json: false });
    expect(xml.status).toBe(200);
    expect(xml.headers.get('content-type')).toContain('text/xml');
    const text = await xml.text();
    expect(text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<MediaContainer size="0" claimed="1"/);
    expect(text).toContain(`machineIdentifier="${lib.machineIdentifier}"`);
    const body = (await (await get('/identity', { token: null })).json()) as Container;
    expect(body.MediaContainer).toMatchObject({
      size: 0,
      claimed: true,
      machineIdentifier: lib.machineIdentifier,
    });
  });

  it('refuses a missing or wrong token with Plex HTML 401, and takes it as header or query', async () => {
    for (const token of [null, 'wrong']) {
      const res = await get('/library/sections', { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('401 Unauthorized');
    }
    const viaQuery = await get(`/library/sections?X-Plex-Token=${plex.token}`, { token: null });
    expect(viaQuery.status).toBe(200);
    const root = await json('/');
    expect(root).toMatchObject({ machineIdentifier: lib.machineIdentifier, myPlex: true });
    expect(typeof root.friendlyName).toBe('string');
  });

  it('lists the fixture sections plus the music section, as JSON Directory[] and as XML', async () => {
    const mc = await json('/library/sections');
    const dirs = mc.Directory as Json[];
    expect(dirs.map((d) => [d.key, d.type])).toEqual([
      ['1', 'movie'],
      ['2', 'show'],
      ['5', 'artist'],
    ]);
    expect(dirs[2]).toMatchObject({ agent: 'tv.plex.agents.music', title: 'Music', allowSync: true });
    expect(dirs[0]).toMatchObject({ createdAt: 1429510140, Location: [{ id: 1, path: '/storage/movies' }] });
    const xml = await (await get('/library/sections', { json: false })).text();
    expect(xml).toContain('<Directory allowSync="1"');
    expect(xml).toMatch(/<Directory [^>]*key="5" type="artist"[^>]*agent="tv.plex.agents.music"/);
  });

  it('pages section lists with X-Plex-Container-Start/Size as headers or query, reporting totalSize', async () => {
    const first = await json('/library/sections/5/all?type=10', {
      'X-Plex-Container-Start': '0',
      'X-Plex-Container-Size': '50',
    });
    expect(first).toMatchObject({ size: 50, totalSize: lib.tracks.length, offset: 0 });
    const seen: unknown[] = [];
    for (let start = 0; start < lib.tracks.length; start += 50) {
      const page = await json(
        `/library/sections/5/all?type=10&X-Plex-Container-Start=${start}&X-Plex-Container-Size=50`,
      );
      expect(page.offset).toBe(start);
      seen.push(...keys(page));
    }
    expect(new Set(seen)).toEqual(new Set(lib.tracks.map((t) => t.ratingKey)));
    expect(seen.length).toBe(lib.tracks.length);
    const whole = await json('/library/sections/5/all?type=8');
    expect(whole.size).toBe(lib.artists.length);
    expect(whole.totalSize).toBeUndefined();
    expect((whole.Metadata ?? []).every((m) => m.type === 'artist' && typeof m.ratingKey === 'string')).toBe(
      true,
    );
    const past = await json(
      '/library/sections/5/all?type=9&X-Plex-Container-Start=100000&X-Plex-Container-Size=10',
    );
    expect(past).toMatchObject({ size: 0, totalSize: lib.albums.length });
    expect(past.Metadata).toBeUndefined();
  });

  it('adds Guid arrays to list items only with includeGuids=1', async () => {
    const plain = await json('/library/sections/5/all?type=9');
    expect((plain.Metadata ?? []).some((m) => 'Guid' in m)).toBe(false);
    const withGuids = await json('/library/sections/5/all?type=9&includeGuids=1');
    for (const item of withGuids.Metadata ?? []) {
      const album = lib.byKey.get(String(item.ratingKey)) as LibAlbum;
      expect(item.Guid).toEqual(album.mbid ? [{ id: `mbid://${album.mbid}` }] : undefined);
    }
    expect((withGuids.Metadata ?? []).some((m) => m.Guid)).toBe(true);
  });

  it('filters like Plex: >= includes the bound, >>= excludes it, = is exact, unknown fields are ignored', async () => {
    const rated = (test: (r: number) => boolean) =>
      lib.tracks.filter((t) => t.userRating !== undefined && test(t.userRating)).map((t) => t.ratingKey);
    const gte = await json('/library/sections/5/all?type=10&userRating>=8');
    const gt = await json('/library/sections/5/all?type=10&userRating>>=8');
    const eq = await json('/library/sections/5/all?type=10&userRating=8');
    expect(new Set(keys(gte))).toEqual(new Set(rated((r) => r >= 8)));
    expect(new Set(keys(gt))).toEqual(new Set(rated((r) => r > 8)));
    expect(new Set(keys(eq))).toEqual(new Set(rated((r) => r === 8)));
    expect(eq.size).toBeGreaterThan(0);
    expect(gte.size).toBe(gt.size + eq.size);
    const typo = await json('/library/sections/5/all?type=10&userRatin>=8');
    expect(typo.size).toBe(lib.tracks.length);
  });

  it('filters by artist.id, album.id and title substring, and sorts', async () => {
    const artist = lib.artists[5] as Library['artists'][number];
    const albums = await json(`/library/sections/5/all?type=9&artist.id=${artist.ratingKey}`);
    expect(keys(albums)).toEqual(
      (index().albumsByArtist.get(artist.ratingKey) ?? []).map((a) => a.ratingKey),
    );
    const album = lib.albums[7] as LibAlbum;
    const tracks = await json(`/library/sections/5/all?type=10&album.id=${album.ratingKey}`);
    expect(keys(tracks)).toEqual((index().tracksByAlbum.get(album.ratingKey) ?? []).map((t) => t.ratingKey));
    const word = 'Sigur';
    const titled = await json(
      `/library/sections/5/all?type=8&title=${encodeURIComponent(word.toLowerCase())}`,
    );
    expect((titled.Metadata ?? []).map((m) => m.title)).toEqual(['Sigur Rós']);
    const sorted = await json('/library/sections/5/all?type=10&userRating>=1&sort=userRating:desc');
    const ratings = (sorted.Metadata ?? []).map((m) => m.userRating as number);
    expect(ratings).toEqual([...ratings].sort((a, b) => b - a));
    const byTitle = await json('/library/sections/5/all?type=8&sort=titleSort');
    const beatles = (byTitle.Metadata ?? []).find((m) => m.title === 'The Beatles');
    expect(beatles?.titleSort).toBe('Beatles');
  });

  it('serves /library/metadata/{k} with Guids and section fields, several keys at once, 404 for none', async () => {
    const matched = lib.tracks.find((t) => t.mbid) as LibTrack;
    const one = await json(`/library/metadata/${matched.ratingKey}`);
    const [item] = one.Metadata ?? [];
    expect(item).toMatchObject({
      ratingKey: matched.ratingKey,
      type: 'track',
      title: matched.title,
      parentRatingKey: matched.albumKey,
      grandparentRatingKey: matched.artistKey,
      duration: matched.durationMs,
      librarySectionID: 5,
      Guid: [{ id: `mbid://${matched.mbid}` }],
    });
    const part = (item?.Media as Array<{ Part: Json[] }>)[0]?.Part[0];
    expect(part).toMatchObject({
      key: matched.partKey,
      size: matched.sizeBytes,
      container: matched.container,
    });
    const fixture = await json('/library/metadata/158,157,156');
    expect(keys(fixture)).toEqual(['158', '157', '156']);
    expect(fixture.Metadata?.[0]).toMatchObject({ guid: 'local://158', title: 'Try It Out (Neon mix)' });
    expect((await get('/library/metadata/99999999')).status).toBe(404);
  });

  it('walks artist → albums → tracks with /children, and every track with /allLeaves (paged)', async () => {
    const artist = lib.artists[3] as Library['artists'][number];
    const albums = await json(`/library/metadata/${artist.ratingKey}/children`);
    expect(
      (albums.Metadata ?? []).every((m) => m.type === 'album' && m.parentRatingKey === artist.ratingKey),
    ).toBe(true);
    const firstAlbum = (albums.Metadata ?? [])[0] as Json;
    const tracks = await json(`/library/metadata/${String(firstAlbum.ratingKey)}/children`);
    expect((tracks.Metadata ?? []).map((m) => m.index)).toEqual(
      (index().tracksByAlbum.get(String(firstAlbum.ratingKey)) ?? []).map((t) => t.index),
    );
    const all = index().tracksByArtist.get(artist.ratingKey) ?? [];
    const leaves = await json(`/library/metadata/${artist.ratingKey}/allLeaves`);
    expect(keys(leaves)).toEqual(all.map((t) => t.ratingKey));
    const page = await json(
      `/library/metadata/${artist.ratingKey}/allLeaves?X-Plex-Container-Start=1&X-Plex-Container-Size=2`,
    );
    expect(page).toMatchObject({ size: Math.min(2, all.length - 1), totalSize: all.length, offset: 1 });
    const trackChildren = await json(`/library/metadata/${all[0]?.ratingKey}/children`);
    expect(trackChildren.size).toBe(0);
  });

  it('searches hubs case- and accent-insensitively, limit items per hub', async () => {
    const mc = await json('/hubs/search?query=beyonce&limit=5&sectionId=5');
    const hubs = mc.Hub as Array<Json & { Metadata?: Json[] }>;
    expect(hubs.map((h) => h.type)).toEqual(['artist', 'album', 'track']);
    expect(hubs[0]?.Metadata?.[0]).toMatchObject({ type: 'artist', title: 'Beyoncé' });
    const upper = (await json('/hubs/search?query=SIGUR%20R')).Hub as Array<Json & { Metadata?: Json[] }>;
    expect(upper[0]?.Metadata?.map((m) => m.title)).toEqual(['Sigur Rós']);
    const many = (await json('/hubs/search?query=e')).Hub as Array<Json & { Metadata?: Json[] }>;
    expect(many.map((h) => h.Metadata?.length)).toEqual([3, 3, 3]);
    expect(many[2]).toMatchObject({ hubIdentifier: 'track', more: true, size: 3 });
    const none = (await json('/hubs/search?query=zzzzqqq')).Hub as Json[];
    expect(none.every((h) => h.size === 0 && !('Metadata' in h))).toBe(true);
  });

  it('edits an album summary with summary.value/summary.locked and records the edit', async () => {
    const album = lib.albums[4] as LibAlbum;
    const text = 'John Coltrane: Tenor Saxophone | McCoy Tyner: Piano & more — “quoted”';
    const path = `/library/sections/5/all?type=9&id=${album.ratingKey}&summary.value=${encodeURIComponent(text)}&summary.locked=1`;
    const res = await call('PUT', path);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const [item] = (await json(`/library/metadata/${album.ratingKey}`)).Metadata ?? [];
    expect(item).toMatchObject({ summary: text, Field: [{ locked: true, name: 'summary' }] });
    expect(plex.edits.at(-1)).toEqual({
      sectionId: '5',
      type: 9,
      ratingKey: album.ratingKey,
      field: 'summary',
      value: text,
      locked: true,
    });
    expect((await call('PUT', `/library/sections/5/all?id=${album.ratingKey}&summary.value=x`)).status).toBe(
      400,
    );
    expect((await call('PUT', '/library/sections/5/all?type=9&summary.value=x')).status).toBe(400);
    expect((await call('PUT', '/library/sections/5/all?type=9&id=99999999&summary.value=x')).status).toBe(
      404,
    );
    const track = lib.tracks[0] as LibTrack;
    expect(
      (await call('PUT', `/library/sections/5/all?type=9&id=${track.ratingKey}&summary.value=x`)).status,
    ).toBe(404);
  });

  it('rates with /:/rate on the 0–10 scale and clears with -1', async () => {
    const track = lib.tracks.find((t) => t.userRating === undefined) as LibTrack;
    const rate = (rating: string) =>
      call('PUT', `/:/rate?key=${track.ratingKey}&identifier=com.plexapp.plugins.library&rating=${rating}`);
    expect((await rate('8')).status).toBe(200);
    expect(keys(await json('/library/sections/5/all?type=10&userRating>=8'))).toContain(track.ratingKey);
    expect((await json(`/library/metadata/${track.ratingKey}`)).Metadata?.[0]?.userRating).toBe(8);
    expect((await rate('-1')).status).toBe(200);
    expect((await json(`/library/metadata/${track.ratingKey}`)).Metadata?.[0]?.userRating).toBeUndefined();
    expect((await rate('11')).status).toBe(400);
    expect(plex.ratings.slice(-2)).toEqual([
      { ratingKey: track.ratingKey, rating: 8 },
      { ratingKey: track.ratingKey, rating: null },
    ]);
  });

  it('keeps playlists: create from a uri, add comma-joined keys, remove by playlistItemID', async () => {
    const [t1, t2, t3] = lib.tracks.slice(50, 53) as [LibTrack, LibTrack, LibTrack];
    const uri = (...rks: string[]) =>
      encodeURIComponent(
        `server://${lib.machineIdentifier}/com.plexapp.plugins.library/library/metadata/${rks.join(',')}`,
      );
    const created = await call(
      'POST',
      `/playlists?type=audio&title=My%20Top%20Rated&smart=0&uri=${uri(t1.ratingKey)}`,
    );
    expect(created.status).toBe(200);
    const playlist = ((await created.json()) as Container).MediaContainer.Metadata?.[0] as Json;
    expect(playlist).toMatchObject({ type: 'playlist', title: 'My Top Rated', smart: false, leafCount: 1 });
    const id = String(playlist.ratingKey);

    const added = await call('PUT', `/playlists/${id}/items?uri=${uri(t2.ratingKey, t3.ratingKey)}`);
    expect(((await added.json()) as Container).MediaContainer).toMatchObject({ leafCountAdded: 2 });
    const items = await json(`/playlists/${id}/items`);
    expect(keys(items)).toEqual([t1.ratingKey, t2.ratingKey, t3.ratingKey]);
    const itemIds = (items.Metadata ?? []).map((m) => m.playlistItemID);
    expect(itemIds.every((n) => typeof n === 'number')).toBe(true);
    expect(itemIds.map(String)).not.toEqual(keys(items));

    expect((await call('DELETE', `/playlists/${id}/items/${String(itemIds[1])}`)).status).toBe(200);
    expect(keys(await json(`/playlists/${id}/items`))).toEqual([t1.ratingKey, t3.ratingKey]);
    expect((await call('DELETE', `/playlists/${id}/items/${t1.ratingKey}`)).status).toBe(404);

    const album = lib.albums[2] as LibAlbum;
    await call('PUT', `/playlists/${id}/items?uri=${uri(album.ratingKey, t1.ratingKey)}`);
    const grown = await json(`/playlists/${id}/items`);
    expect(grown.size).toBe(2 + album.trackCount + 1); // album keys add its tracks; duplicates are kept
    const wrongServer = `/playlists/${id}/items?uri=${encodeURIComponent('server://nope/com.plexapp.plugins.library/library/metadata/1')}`;
    expect((await call('PUT', wrongServer)).status).toBe(400);

    const list = await json('/playlists?playlistType=audio&smart=0');
    expect((list.Metadata ?? []).map((m) => m.title)).toContain('My Top Rated');
    expect((await call('DELETE', `/playlists/${id}`)).status).toBe(204);
    expect((await get(`/playlists/${id}`)).status).toBe(404);
  });

  it('refuses item edits on smart playlists and keeps duplicate names apart', async () => {
    const smart = plex.addPlaylist({
      title: 'Recently Rated',
      smart: true,
      ratingKeys: [lib.tracks[1]?.ratingKey as string],
    });
    const a = plex.addPlaylist({ title: 'Road Trip', ratingKeys: [lib.tracks[2]?.ratingKey as string] });
    const b = plex.addPlaylist({ title: 'Road Trip', ratingKeys: [] });
    const uri = encodeURIComponent(
      `server://${lib.machineIdentifier}/com.plexapp.plugins.library/library/metadata/${lib.tracks[3]?.ratingKey}`,
    );
    expect((await call('PUT', `/playlists/${smart.ratingKey}/items?uri=${uri}`)).status).toBe(400);
    expect((await call('DELETE', `/playlists/${smart.ratingKey}/items/1`)).status).toBe(400);
    const smartItems = await json(`/playlists/${smart.ratingKey}/items`);
    expect(smartItems.Metadata?.[0]).not.toHaveProperty('playlistItemID');
    const onlySmart = await json('/playlists?playlistType=audio&smart=1');
    expect((onlySmart.Metadata ?? []).map((m) => m.title)).toEqual(['Recently Rated']);
    const all = await json('/playlists?playlistType=audio');
    const roadTrips = (all.Metadata ?? []).filter((m) => m.title === 'Road Trip').map((m) => m.ratingKey);
    expect(roadTrips).toEqual([a.ratingKey, b.ratingKey]);
    const xml = await (await get(`/playlists/${a.ratingKey}/items`, { json: false })).text();
    expect(xml).toMatch(/<Track [^>]*playlistItemID="\d+"/);
    expect(await (await get('/playlists?playlistType=audio', { json: false })).text()).toContain(
      '<Playlist ratingKey=',
    );
  });

  it('serves media parts for download with a content-length, behind the token', async () => {
    const track = lib.tracks.find((t) => t.container === 'flac') as LibTrack;
    const res = await get(`${track.partKey}?download=1`, { json: false });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/flac');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(bytes.equals(defaultPartData(track))).toBe(true);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('fLaC');
    expect((await get(`${track.partKey}?download=1`, { token: null })).status).toBe(401);
    expect((await get('/library/parts/1/1/file.flac?download=1')).status).toBe(404);

    const custom = await startPlexFake(lib, {
      token: 't',
      partData: (t) => Buffer.from(`audio of ${t.ratingKey}`),
    });
    try {
      const body = await fetch(`${custom.url}${track.partKey}?download=1&X-Plex-Token=t`);
      expect(await body.text()).toBe(`audio of ${track.ratingKey}`);
    } finally {
      await custom.close();
    }
  });

  it('fails on demand like every http-fake', async () => {
    plex.failure = { kind: 'status', status: 503 };
    expect((await get('/library/sections')).status).toBe(503);
    plex.failure = { kind: 'malformed' };
    await expect((await get('/identity')).json()).rejects.toThrow();
    plex.failure = { kind: 'down' };
    await expect(get('/identity')).rejects.toThrow();
  });
});

describe('Tautulli history and users', () => {
  let lib: Library;
  let rows: HistoryRow[];
  let tautulli: TautulliFake;
  const users = sampleUsers();

  const api = async (cmd: string, params: Record<string, string | number> = {}) => {
    const query = new URLSearchParams({ apikey: FAKE_TAUTULLI_API_KEY, cmd });
    for (const [k, v] of Object.entries(params)) query.set(k, String(v));
    const res = await fetch(`${tautulli.url}/api/v2?${query}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response: { result: string; data: unknown } };
    expect(body.response.result).toBe('success');
    return body.response.data;
  };
  type Page = {
    draw: number;
    recordsTotal: number;
    recordsFiltered: number;
    total_duration: string;
    filter_duration: string;
    data: HistoryRow[];
  };
  const history = (params: Record<string, string | number>) => api('get_history', params) as Promise<Page>;

  beforeAll(async () => {
    lib = generateLibrary({ artists: 300, albumsPerArtist: [1, 4], tracksPerAlbum: [4, 12], seed: 11 });
    rows = generateHistory(lib, users, { playsPerUser: [60_000, 50_000, 40_000, 30_000, 20_000], seed: 4 });
    tautulli = await startTautulliFake();
    tautulli.history = rows;
  }, 30_000);
  afterAll(() => tautulli.close());
  beforeEach(() => {
    tautulli.activity = { ...sampleActivity(), sessions: [] };
  });

  it('generates rows in exactly the shape and value types of Tautulli get_history', () => {
    expect(rows.length).toBe(200_000);
    const doc = readFixture<{ data: Json[] }>('get_history.docstring_example.json').data[0] as Json;
    const track = rows.find((r) => r.media_type === 'track') as HistoryRow;
    for (const [key, value] of Object.entries(doc)) {
      expect(track).toHaveProperty(key);
      if (value !== null) expect([key, typeof track[key as keyof HistoryRow]]).toEqual([key, typeof value]);
    }
    expect(rows.map((r) => r.id)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.every((r, i) => i === 0 || (rows[i - 1] as HistoryRow).started <= r.started)).toBe(true);
    const full = track.original_title || track.grandparent_title;
    expect(track.full_title).toBe(`${track.title} - ${full}`);
  });

  it('is skewed and untidy like real history: repeats, favourites, deleted tracks, episodes', () => {
    const again = generateHistory(lib, users.slice(0, 1), { playsPerUser: 500, seed: 4 });
    expect(generateHistory(lib, users.slice(0, 1), { playsPerUser: 500, seed: 4 })).toEqual(again);
    const tracks = rows.filter((r) => r.media_type === 'track');
    const perTrack = new Map<number, number>();
    for (const r of tracks) perTrack.set(r.rating_key, (perTrack.get(r.rating_key) ?? 0) + 1);
    const counts = [...perTrack.values()].sort((a, b) => b - a);
    expect(counts[0]).toBeGreaterThan(20 * (counts[Math.floor(counts.length / 2)] as number));
    const deleted = tracks.filter((r) => !lib.byKey.has(String(r.rating_key)));
    expect(deleted.length).toBeGreaterThan(100);
    expect(deleted.every((r) => lib.byKey.has(String(r.grandparent_rating_key)))).toBe(true);
    expect(rows.some((r) => r.media_type === 'episode')).toBe(true);
    expect(rows.some((r) => r.reference_id !== r.id)).toBe(true);
    const only = generateHistory(lib, users, { playsPerUser: 200, artistKeys: ['156'] });
    expect(only.filter((r) => r.media_type === 'track').every((r) => r.grandparent_rating_key === 156)).toBe(
      true,
    );
  });

  it('filters get_history by users, artist and media type, pages with start/length, counts recordsFiltered', async () => {
    const user = users[2] as (typeof users)[number];
    const artist = rows.find(
      (r) => r.user_id === user.userId && r.media_type === 'track',
    )?.grandparent_rating_key;
    const expected = rows.filter(
      (r) => r.user_id === user.userId && r.grandparent_rating_key === artist && r.media_type === 'track',
    );
    const filter = {
      user_id: user.userId,
      grandparent_rating_key: String(artist),
      media_type: 'track',
      grouping: 0,
    };
    const timed = async () => {
      const started = performance.now();
      const page = await history({ ...filter, start: 0, length: 10 });
      return { page, ms: performance.now() - started };
    };
    const cold = await timed(); // the fake indexes the rows on the first query
    const { page: first, ms } = await timed();
    console.log(
      `get_history page over ${rows.length} rows: ${cold.ms.toFixed(1)} ms first (indexing), ${ms.toFixed(1)} ms after`,
    );
    expect(first).toMatchObject({ draw: 1, recordsTotal: rows.length, recordsFiltered: expected.length });
    expect(first.data.length).toBe(Math.min(10, expected.length));
    const seen: number[] = [];
    for (let start = 0; start < expected.length; start += 500) {
      seen.push(...(await history({ ...filter, start, length: 500 })).data.map((r) => r.id as number));
    }
    expect(seen).toEqual(expected.map((r) => r.id).reverse()); // date desc by default
    expect((await history({ ...filter })).data.length).toBe(Math.min(25, expected.length));
    const asc = await history({ ...filter, order_column: 'date', order_dir: 'asc', length: 3 });
    expect(asc.data.map((r) => r.id)).toEqual(expected.slice(0, 3).map((r) => r.id));

    const two = `${(users[0] as (typeof users)[number]).userId},${(users[1] as (typeof users)[number]).userId}`;
    const both = await history({ user_id: two, media_type: 'episode', grouping: 0, length: 1 });
    expect(both.recordsFiltered).toBe(
      rows.filter((r) => two.split(',').includes(String(r.user_id)) && r.media_type === 'episode').length,
    );
    const track = expected[0] as HistoryRow;
    const byTrack = await history({ rating_key: track.rating_key, grouping: 0 });
    expect(byTrack.recordsFiltered).toBe(rows.filter((r) => r.rating_key === track.rating_key).length);
    const music = await history({ section_id: '5', grouping: 0, length: 0 });
    expect(music.recordsFiltered).toBe(rows.filter((r) => r.media_type === 'track').length);
    expect(ms).toBeLessThan(100);
  });

  it('groups resumed plays by default (grouping=1), summing group_count', async () => {
    const resumed = rows.find((r) => r.reference_id !== r.id) as HistoryRow;
    const filter = { user_id: resumed.user_id, rating_key: resumed.rating_key };
    const flat = await history({ ...filter, grouping: 0, length: 1000 });
    const grouped = await history({ ...filter, length: 1000 });
    expect(grouped.recordsFiltered).toBeLessThan(flat.recordsFiltered);
    expect(grouped.data.reduce((sum, r) => sum + (r.group_count ?? 0), 0)).toBe(flat.recordsFiltered);
    const group = grouped.data.find((r) =>
      r.group_ids
        ?.split(',')
        .map(Number)
        .includes(resumed.id as number),
    );
    expect(group?.group_count).toBeGreaterThan(1);
    expect(group?.reference_id).toBe(resumed.reference_id);
    const members = rows.filter((r) => r.reference_id === resumed.reference_id);
    expect(group?.play_duration).toBe(members.reduce((sum, r) => sum + r.play_duration, 0));
    expect(group?.date).toBe(Math.max(...members.map((r) => r.started)));
  });

  it('lists current sessions in get_history too, unless include_activity=0 (HISTORY_TABLE_ACTIVITY)', async () => {
    tautulli.activity = sampleActivity() as TautulliFake['activity'];
    const live = await history({ user_id: 1001, rating_key: 158, grouping: 0 });
    const stored = rows.filter((r) => r.user_id === 1001 && r.rating_key === 158).length;
    expect(live.recordsFiltered).toBe(stored + 1);
    expect(live.data[0]).toMatchObject({ state: 'playing', group_count: null, id: null, rating_key: 158 });
    const without = await history({ user_id: 1001, rating_key: 158, grouping: 0, include_activity: 0 });
    expect(without.recordsFiltered).toBe(stored);
  });

  it('answers get_users in the current format with the Local user, and get_user_names', async () => {
    const list = (await api('get_users')) as Json[];
    expect(list[0]).toMatchObject({ user_id: 0, username: 'Local', shared_libraries: [] });
    expect(list.slice(1).map((u) => u.user_id)).toEqual(users.map((u) => u.userId));
    expect(list.every((u) => Array.isArray(u.shared_libraries) && !('server_token' in u))).toBe(true);
    expect(list.find((u) => u.user_id === 11111111)).toMatchObject({ username: 'user1', is_admin: 1 });
    const names = (await api('get_user_names')) as Json[];
    expect(names).toContainEqual({ user_id: 1001, friendly_name: 'Alex' });
    expect(names.length).toBe(list.length);
  });
});
