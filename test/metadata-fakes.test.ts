import { request } from 'node:http';
import axios from 'axios';
import { MusicBrainzApi } from 'musicbrainz-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DISCOGS_AUTH_MESSAGE,
  DISCOGS_RATE_MESSAGE,
  FAKE_DISCOGS_TOKEN,
  startDiscogsFake,
} from '../fakes/discogs.ts';
import type { DiscogsFake } from '../fakes/discogs.ts';
import {
  DISCOGS_API,
  DISCOGS_RELEASES,
  MB_EXPECTED,
  MB_FIXTURE_RECORDING_CREDITS_ID,
  MB_FIXTURE_RELEASE_GROUP_ID,
  MB_FIXTURE_RELEASE_ID,
  MB_RELEASES,
  discogsDisplayName,
  mbTrackIds,
  readDiscogsFixture,
  readMusicBrainzFixture,
} from '../fakes/metadata-data.ts';
import type { DiscogsExpectedCredit, Json, MbExpectedCredit } from '../fakes/metadata-data.ts';
import {
  MB_HELP,
  MB_RATE_LIMIT_ERROR,
  parseLuceneQuery,
  startMusicBrainzFake,
} from '../fakes/musicbrainz.ts';
import type { MusicBrainzFake } from '../fakes/musicbrainz.ts';

/** The real clients (musicbrainz-api, axios) against the fakes: proves the fakes, not the bot. */

const APP = { appName: 'Autoalex', appVersion: '0.1.0', appContactInfo: 'admin@example.org' };
const USER_AGENT = 'Autoalex/0.1.0 ( admin@example.org )';
const CREDITS_INC = ['artist-credits', 'recordings', 'artist-rels', 'recording-level-rels'] as const;
const UNKNOWN_MBID = '00000000-0000-4000-8000-000000000000';

type Rel = Json & { type: string; 'target-type': string; artist?: { id: string; name: string } };
type Track = Json & { id: string; number: string; recording: Json & { relations?: Rel[] } };
type Release = Json & {
  id: string;
  error?: string;
  relations?: Rel[];
  media?: Array<Json & { tracks?: Track[] }>;
};

type MbConfig = NonNullable<ConstructorParameters<typeof MusicBrainzApi>[0]>;

function client(url: string, extra: MbConfig = {}) {
  return new MusicBrainzApi({ ...APP, baseUrl: url, disableRateLimiting: true, ...extra });
}

/** Personnel of each track (by overall index), read the way a client would: not with the fake's code. */
function personnelPerTrack(release: Release): Record<number, MbExpectedCredit[]> {
  const out: Record<number, MbExpectedCredit[]> = {};
  let n = 0;
  for (const medium of release.media ?? [])
    for (const track of medium.tracks ?? []) {
      out[++n] = (track.recording.relations ?? [])
        .filter((r) => r['target-type'] === 'artist' && ['instrument', 'vocal', 'performer'].includes(r.type))
        .map((r) => ({
          name: (r['target-credit'] as string) || (r.artist?.name ?? ''),
          artistId: r.artist?.id ?? '',
          type: r.type as MbExpectedCredit['type'],
          attributes: r.attributes as string[],
          attributeCredits: (r['attribute-credits'] as Record<string, string> | undefined) ?? {},
        }));
    }
  return out;
}

function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('MusicBrainz fake with the real musicbrainz-api client', () => {
  let mb: MusicBrainzFake;
  let api: MusicBrainzApi;
  beforeAll(async () => {
    mb = await startMusicBrainzFake();
    api = client(mb.url);
  });
  afterAll(() => mb.close());
  afterEach(() => {
    mb.failure = { kind: 'none' };
    mb.rateLimitPerSecond = null;
  });

  it('receives the exact URL and headers musicbrainz-api sends for a lookup', async () => {
    const id = MB_RELEASES.kindOfBlue.releaseId;
    await api.lookup('release', id, [...CREDITS_INC]);
    await api.lookup('release', id);
    const [withInc, bare] = mb.requests.slice(-2);
    expect(withInc).toMatchObject({
      method: 'GET',
      path: `/ws/2/release/${id}`,
      query: { inc: 'artist-credits recordings artist-rels recording-level-rels', fmt: 'json' },
    });
    expect(withInc?.headers['user-agent']).toBe(USER_AGENT);
    // No inc: musicbrainz-api still sends an empty `inc=`.
    expect(bare?.query).toEqual({ inc: '', fmt: 'json' });
    expect(typeof bare?.at).toBe('number');
    expect(mb.at.at(-1)).toBe(bare?.at);
  });

  it('serves each composed release with the per-track personnel of its expected table', async () => {
    for (const spec of Object.values(MB_RELEASES)) {
      const release = (await api.lookup('release', spec.releaseId, [...CREDITS_INC])) as unknown as Release;
      expect(release.id).toBe(spec.releaseId);
      expect(personnelPerTrack(release)).toEqual(MB_EXPECTED[spec.key]);
      const ids = mbTrackIds(spec);
      const tracks = (release.media ?? []).flatMap((m) => m.tracks ?? []);
      expect(tracks.map((t) => [t.id, t.number, t.recording.id])).toEqual(
        ids.map((t) => [t.trackId, t.number, t.recordingId]),
      );
      // Release-level artist rels are producers only; no url rel without url-rels.
      expect((release.relations ?? []).map((r) => r.type)).toEqual(spec.releaseRels.map((r) => r.type));
    }
  });

  it('builds relations with the keys of the real relation object', async () => {
    const release = (await api.lookup('release', MB_RELEASES.aLoveSupreme.releaseId, [
      ...CREDITS_INC,
    ])) as unknown as Release;
    // The EWI relation of recording_credits.json is the only fixture relation with every key.
    const real = (readMusicBrainzFixture('recording_credits.json').relations as Rel[]).find(
      (r) => r.type === 'instrument' && r['attribute-ids'],
    ) as Rel;
    const realKeys = Object.keys(real).sort();
    const rels = release.media?.[0]?.tracks?.[0]?.recording.relations ?? [];
    expect(rels.map((r) => r.type)).toEqual([
      'instrument',
      'vocal',
      'instrument',
      'instrument',
      'instrument',
      'engineer',
    ]);
    for (const rel of rels) {
      const keys = Object.keys(rel).sort();
      // attribute-credits only exists on instrument and vocal relations, as in the fixtures.
      expect(keys).toEqual(
        rel.type === 'engineer' ? realKeys.filter((k) => k !== 'attribute-credits') : realKeys,
      );
    }
    expect(rels[0]).toMatchObject({
      'type-id': real['type-id'],
      'target-type': 'artist',
      direction: 'backward',
      attributes: ['tenor saxophone'],
      'attribute-ids': { 'tenor saxophone': expect.stringMatching(/^fa4e0000-/) },
      begin: '1964-12-09',
      ended: true,
      artist: { name: 'John Coltrane', 'sort-name': 'Coltrane, John', type: 'Person' },
    });
    expect(rels[1]).toMatchObject({
      type: 'vocal',
      attributes: ['other vocals'],
      'attribute-credits': { 'other vocals': 'chant' },
    });
  });

  it('honours inc: the *-level-rels and artist-credits switches, media and url-rels', async () => {
    const id = MB_RELEASES.kindOfBlue.releaseId;
    const get = async (inc: string[]) =>
      (await api.lookup('release', id, inc as never)) as unknown as Release & Record<string, unknown>;

    const bare = await get([]);
    expect(bare).not.toHaveProperty('media');
    expect(bare).not.toHaveProperty('relations');
    expect(bare).not.toHaveProperty('artist-credit');
    expect(bare).not.toHaveProperty('release-group');
    expect(bare.title).toBe('Kind of Blue');

    const media = await get(['media']);
    expect(media.media?.[0]).toEqual({
      position: 1,
      title: '',
      format: 'CD',
      'format-id': expect.any(String),
      'track-count': 5,
    });

    const recordings = await get(['recordings']);
    const track = recordings.media?.[0]?.tracks?.[0];
    expect(track?.recording).not.toHaveProperty('relations');
    expect(track).not.toHaveProperty('artist-credit');
    expect(track?.recording).not.toHaveProperty('artist-credit');

    // Recording-level rels without artist-rels, and artist-rels without recording-level-rels.
    expect(
      (await get(['recordings', 'recording-level-rels'])).media?.[0]?.tracks?.[0]?.recording,
    ).not.toHaveProperty('relations');
    const releaseOnly = await get(['recordings', 'artist-rels']);
    expect(releaseOnly.media?.[0]?.tracks?.[0]?.recording).not.toHaveProperty('relations');
    expect(releaseOnly.relations?.map((r) => [r.type, r.artist?.name])).toEqual([
      ['producer', 'Irving Townsend'],
    ]);

    const credited = await get(['recordings', 'artist-credits']);
    expect(credited['artist-credit']).toEqual([expect.objectContaining({ name: 'Miles Davis' })]);
    expect(credited.media?.[0]?.tracks?.[0]?.['artist-credit']).toEqual(credited['artist-credit']);

    const urls = await get(['url-rels']);
    expect(urls.relations).toEqual([
      expect.objectContaining({
        type: 'discogs',
        url: expect.objectContaining({ resource: 'https://www.discogs.com/release/9900002' }),
      }),
    ]);
    const group = await get(['release-groups', 'labels']);
    expect(group['release-group']).toMatchObject({
      id: MB_RELEASES.kindOfBlue.releaseGroupId,
      'primary-type': 'Album',
    });
    expect(group['label-info']).toEqual([expect.objectContaining({ 'catalog-number': 'CL 1355' })]);
  });

  it('serves the real fixture release, stripped to what inc asks for', async () => {
    const fixture = readMusicBrainzFixture('release.json') as Release;
    const full = (await api.lookup('release', MB_FIXTURE_RELEASE_ID, [
      'recordings',
      'artist-credits',
      'labels',
      'artist-rels',
      'url-rels',
      'recording-level-rels',
    ])) as unknown as Release;
    expect(full['label-info']).toEqual(fixture['label-info']);
    expect(full['artist-credit']).toEqual(fixture['artist-credit']);
    expect(full.relations).toEqual(
      fixture.relations?.filter((r) => ['artist', 'url'].includes(r['target-type'])),
    );
    expect(full.media?.[0]?.tracks?.map((t) => t.recording.title)).toEqual(
      fixture.media?.[0]?.tracks?.map((t) => t.recording.title),
    );
    // Picard's capture has no recording-level relations: the fake serves them empty.
    expect(full.media?.[0]?.tracks?.[0]?.recording.relations).toEqual([]);
    const recording = (await api.lookup('recording', MB_FIXTURE_RECORDING_CREDITS_ID, [
      'artist-rels',
    ])) as unknown as Release;
    expect(recording.relations?.filter((r) => r.type === 'instrument').map((r) => r.attributes)).toEqual([
      ['electric guitar'],
      ['bass'],
      ['membranophone'],
      ['EWI'],
    ]);
  });

  it('resolves release groups to their releases (lookup inc=releases and browse)', async () => {
    for (const spec of Object.values(MB_RELEASES)) {
      const group = (await api.lookup('release-group', spec.releaseGroupId, [
        'releases',
      ])) as unknown as Json & {
        releases: Array<{ id: string; status: string }>;
      };
      expect(group).toMatchObject({ id: spec.releaseGroupId, title: spec.title, 'primary-type': 'Album' });
      expect(group.releases.map((r) => [r.id, r.status])).toEqual([[spec.releaseId, 'Official']]);
    }
    const dsotm = (await api.lookup('release-group', MB_FIXTURE_RELEASE_GROUP_ID, [
      'releases',
      'artist-credits',
    ])) as unknown as Json & {
      releases: Array<{ id: string }>;
    };
    expect(dsotm.releases.map((r) => r.id)).toEqual([MB_FIXTURE_RELEASE_ID]);
    expect(dsotm['artist-credit']).toEqual([expect.objectContaining({ name: 'Pink Floyd' })]);
    expect(mb.requests.at(-1)?.path).toBe(`/ws/2/release-group/${MB_FIXTURE_RELEASE_GROUP_ID}`);

    const browsed = (await api.browse(
      'release',
      { 'release-group': MB_RELEASES.aLoveSupreme.releaseGroupId },
      ['recordings'],
    )) as unknown as { 'release-count': number; releases: Release[] };
    expect(browsed['release-count']).toBe(1);
    expect(browsed.releases[0]?.media?.[0]?.tracks).toHaveLength(4);
  });

  it('searches releases with Lucene fields, AND, plain words, scores and paging', async () => {
    const found = await api.search('release', {
      query: 'release:"A Love Supreme" AND artist:"John Coltrane"',
      limit: 5,
      offset: 0,
    });
    const sent = mb.requests.at(-1);
    expect(sent?.path).toBe('/ws/2/release/'); // musicbrainz-api adds a trailing slash to searches
    expect(sent?.query).toEqual({
      query: 'release:"A Love Supreme" AND artist:"John Coltrane"',
      limit: '5',
      offset: '0',
      fmt: 'json',
    });
    expect(found).toMatchObject({ count: 1, offset: 0, created: expect.any(String) });
    expect(found.releases[0]).toMatchObject({
      id: MB_RELEASES.aLoveSupreme.releaseId,
      score: 100,
      title: 'A Love Supreme',
      'track-count': 4,
      media: [{ format: 'CD', 'track-count': 4 }],
      'release-group': { id: MB_RELEASES.aLoveSupreme.releaseGroupId, 'primary-type': 'Album' },
      'artist-credit': [{ name: 'John Coltrane', artist: { id: MB_RELEASES.aLoveSupreme.artist.id } }],
    });

    // The object form is AND-joined by musicbrainz-api.
    const object = await api.search('release', {
      query: { release: 'Kind of Blue', artistname: 'Miles Davis' },
    });
    expect(mb.requests.at(-1)?.query.query).toBe('release:"Kind of Blue" AND artistname:"Miles Davis"');
    expect(object.releases.map((r) => r.id)).toEqual([MB_RELEASES.kindOfBlue.releaseId]);

    // A wrong artist with AND finds nothing; plain words match title or artist, best first.
    expect(
      (await api.search('release', { query: 'release:"Kind of Blue" AND artist:"John Coltrane"' })).count,
    ).toBe(0);
    const words = await api.search('release', { query: 'coltrane supreme' });
    expect(words.releases[0]).toMatchObject({ id: MB_RELEASES.aLoveSupreme.releaseId, score: 100 });
    const scores = (await api.search('release', { query: 'kind of blue' })).releases.map((r) => r.score);
    expect(scores[0]).toBe(100);
    expect(scores.every((s) => s >= 0 && s <= 100)).toBe(true);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    const all = await api.search('release', { query: 'status:official', limit: 2, offset: 1 });
    expect(all.count).toBe(5);
    expect(all.offset).toBe(1);
    expect(all.releases).toHaveLength(2);

    const groups = await api.search('release-group', {
      query: 'releasegroup:"Edge Cases" AND artist:"Autoalex"',
    });
    expect(groups['release-groups'].map((g) => [g.id, g.score, g.count])).toEqual([
      [MB_RELEASES.edgeCases.releaseGroupId, 100, 1],
    ]);

    const tid = mbTrackIds(MB_RELEASES.kindOfBlue)[1]!;
    const byTrack = (await api.search('recording', { query: `tid:${tid.trackId}` })) as unknown as {
      recordings: Array<{ id: string; title: string }>;
    };
    expect(byTrack.recordings.map((r) => [r.id, r.title])).toEqual([[tid.recordingId, 'Freddie Freeloader']]);
  });

  it('parses the Lucene subset it claims', () => {
    expect(
      parseLuceneQuery('release:"A \\"B\\"" AND artist:Coltrane -live NOT bootleg +jazz word~2'),
    ).toEqual([
      { field: 'release', value: 'A "B"', phrase: true, occur: 'must' },
      { field: 'artist', value: 'Coltrane', phrase: false, occur: 'must' },
      { field: null, value: 'live', phrase: false, occur: 'not' },
      { field: null, value: 'bootleg', phrase: false, occur: 'not' },
      { field: null, value: 'jazz', phrase: false, occur: 'must' },
      { field: null, value: 'word', phrase: false, occur: 'should' },
    ]);
  });

  it('answers unknown ids with a 404 body that musicbrainz-api returns as data, and bad input with a 400 error', async () => {
    const missing = await api.lookup('release', UNKNOWN_MBID);
    expect(missing).toEqual({ error: 'Not Found', help: MB_HELP });
    expect(await api.lookup('release-group', UNKNOWN_MBID, ['releases'])).toEqual({
      error: 'Not Found',
      help: MB_HELP,
    });
    expect(await api.lookup('recording', UNKNOWN_MBID)).toEqual({ error: 'Not Found', help: MB_HELP });

    const invalid = await api.lookup('release', 'not-an-mbid').catch((e: unknown) => e);
    // MusicBrainzApiError is not exported by the package's Node entry: only its name and fields identify it.
    expect(invalid).toBeInstanceOf(Error);
    expect(invalid).toMatchObject({
      name: 'MusicBrainzApiError',
      status: 400,
      statusText: 'Bad Request',
      body: { error: 'Invalid mbid.', help: MB_HELP },
      message: 'MusicBrainz request failed (400): Invalid mbid.',
    });
    const badInc = await api
      .lookup('release', MB_FIXTURE_RELEASE_ID, ['releases' as never])
      .catch((e: unknown) => e);
    expect(badInc).toMatchObject({
      status: 400,
      body: { error: 'releases is not a valid inc parameter for the release resource.' },
      url: `${mb.url}/ws/2/release/${MB_FIXTURE_RELEASE_ID}?inc=releases&fmt=json`,
    });
  });

  it('requires a User-Agent (403) and speaks JSON only with fmt=json', async () => {
    const url = `${mb.url}/ws/2/release/${MB_FIXTURE_RELEASE_ID}?fmt=json`;
    const none = await rawGet(url, {});
    expect(none.status).toBe(403);
    expect(JSON.parse(none.body)).toMatchObject({ error: expect.stringContaining('User-Agent') });
    expect((await rawGet(url, { 'User-Agent': '' })).status).toBe(403);
    expect((await rawGet(url, { 'User-Agent': USER_AGENT })).status).toBe(200);
    const xml = await rawGet(url.replace('?fmt=json', ''), { 'User-Agent': USER_AGENT });
    expect(xml.body.startsWith('<?xml')).toBe(true);
  });

  it('surfaces a non-JSON error page as SyntaxError and a cut connection as TypeError', async () => {
    mb.failure = {
      kind: 'status',
      status: 502,
      body: '<html>502 Bad Gateway</html>',
      contentType: 'text/html',
    };
    await expect(api.lookup('release', MB_FIXTURE_RELEASE_ID)).rejects.toBeInstanceOf(SyntaxError);
    mb.failure = { kind: 'down' };
    await expect(api.lookup('release', MB_FIXTURE_RELEASE_ID)).rejects.toThrow(TypeError);
  });
});

describe('MusicBrainz fake rate limit', () => {
  it('answers 503 with the MusicBrainz body over N requests a second; musicbrainz-api retries every 500 ms', async () => {
    const mb = await startMusicBrainzFake({ rateLimitPerSecond: 1 });
    try {
      const direct = await Promise.all(
        [1, 2].map(() =>
          rawGet(`${mb.url}/ws/2/release/${MB_FIXTURE_RELEASE_ID}?fmt=json`, { 'User-Agent': USER_AGENT }),
        ),
      );
      expect(direct.map((r) => r.status).sort()).toEqual([200, 503]);
      expect(JSON.parse(direct.find((r) => r.status === 503)?.body ?? '')).toEqual({
        error: MB_RATE_LIMIT_ERROR,
      });
      await new Promise((r) => setTimeout(r, 1000));

      // Three parallel lookups, the client's own limiter off: one is served per second, the others retried.
      const api = client(mb.url);
      const start = mb.requests.length;
      const ids = [MB_RELEASES.aLoveSupreme, MB_RELEASES.kindOfBlue, MB_RELEASES.noRelations].map(
        (s) => s.releaseId,
      );
      const got = await Promise.all(ids.map((id) => api.lookup('release', id)));
      expect(got.map((r) => r.id)).toEqual(ids);
      const sent = mb.requests.slice(start);
      const served = sent.filter((r) => !mb.rateLimited.includes(r)).map((r) => r.at);
      expect(served).toHaveLength(3);
      expect(sent.length).toBeGreaterThanOrEqual(6);
      for (let i = 1; i < served.length; i++)
        expect(served[i]! - served[i - 1]!).toBeGreaterThanOrEqual(1000);
      // A retry of the same request comes 500 ms (the client's fixed back-off) after the refused one.
      const retries = sent.filter((r) => mb.rateLimited.includes(r)).map((r) => r.at);
      expect(retries.length).toBeGreaterThanOrEqual(3);
    } finally {
      await mb.close();
    }
  });

  it('musicbrainz-api gives up after 10 attempts and returns the 503 body as data', async () => {
    const mb = await startMusicBrainzFake({ rateLimitPerSecond: 0 });
    try {
      const started = performance.now();
      const result = await client(mb.url).lookup('release', MB_FIXTURE_RELEASE_ID);
      expect(result).toEqual({ error: MB_RATE_LIMIT_ERROR });
      expect(mb.requests).toHaveLength(10);
      expect(performance.now() - started).toBeGreaterThanOrEqual(9 * 500 - 50);
      const gaps = mb.at.slice(1).map((t, i) => t - (mb.at[i] ?? 0));
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(490);
    } finally {
      await mb.close();
    }
  });

  it("musicbrainz-api's own limiter [1, 1] spaces sequential calls but lets concurrent calls burst", async () => {
    const mb = await startMusicBrainzFake({ rateLimitPerSecond: 1 });
    try {
      const api = client(mb.url, { disableRateLimiting: false, rateLimit: [1, 1] });
      for (const spec of [MB_RELEASES.aLoveSupreme, MB_RELEASES.kindOfBlue])
        await api.lookup('release', spec.releaseId);
      const [a, b] = mb.at;
      expect(b! - a!).toBeGreaterThanOrEqual(700); // ~1000 ms apart; without the limiter a few ms
      // Concurrent calls all wait for the same slot, then go together: the fake refuses all but one.
      const before = mb.rateLimited.length;
      const both = await Promise.all(
        [MB_RELEASES.edgeCases, MB_RELEASES.noRelations].map((s) => api.lookup('release', s.releaseId)),
      );
      expect(both.map((r) => r.title)).toEqual(['Edge Cases', 'Quiet Sessions']);
      expect(mb.rateLimited.length).toBeGreaterThan(before);
    } finally {
      await mb.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------

const PERSONNEL = new Set([
  'Tenor Saxophone',
  'Alto Saxophone',
  'Trumpet',
  'Piano',
  'Organ',
  'Harpsichord',
  'Bass',
  'Double Bass',
  'Drums',
  'Percussion',
  'Vocals',
]);

/** Splits "Piano, Organ [Hammond B3]" on commas outside brackets. */
function splitRoles(role: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of role) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** Expected personnel per playable position, computed from a Discogs body with an independent reader. */
function discogsPersonnel(release: Json): Record<string, DiscogsExpectedCredit[]> {
  type Credit = { name: string; anv: string; role: string; tracks: string };
  type Row = { position: string; type_?: string; extraartists?: Credit[]; sub_tracks?: Row[] };
  const playable: Array<{ position: string; own: Credit[] }> = [];
  for (const row of release.tracklist as Row[]) {
    if (row.type_ === 'heading') continue;
    if (row.type_ === 'index')
      for (const sub of row.sub_tracks ?? [])
        playable.push({ position: sub.position, own: sub.extraartists ?? [] });
    else playable.push({ position: row.position, own: row.extraartists ?? [] });
  }
  const positions = playable.map((p) => p.position);
  const scope = (tracks: string): Set<string> => {
    if (!tracks.trim()) return new Set(positions);
    const out = new Set<string>();
    for (const part of tracks.split(',').map((p) => p.trim())) {
      const range = /^(.+?)\s+to\s+(.+)$/.exec(part);
      if (!range) out.add(part);
      else
        positions
          .slice(positions.indexOf(range[1]!), positions.indexOf(range[2]!) + 1)
          .forEach((p) => out.add(p));
    }
    return out;
  };
  const lines = (c: Credit) =>
    splitRoles(c.role)
      .filter((r) => PERSONNEL.has(r.replace(/\s*\[.*\]$/, '')))
      .map((role) => ({ name: c.anv || discogsDisplayName(c.name), role }));
  const out: Record<string, DiscogsExpectedCredit[]> = {};
  for (const { position, own } of playable) {
    out[position] = [
      ...(release.extraartists as Credit[]).filter((c) => scope(c.tracks).has(position)).flatMap(lines),
      ...own.flatMap(lines),
    ];
  }
  return out;
}

describe('Discogs fake with axios', () => {
  let dg: DiscogsFake;
  const http = () =>
    axios.create({
      baseURL: dg.url,
      headers: { 'User-Agent': 'Autoalex/0.1.0 +https://example.org' },
      validateStatus: () => true,
    });
  const auth = { Authorization: `Discogs token=${FAKE_DISCOGS_TOKEN}` };
  beforeAll(async () => {
    dg = await startDiscogsFake();
  });
  afterAll(() => dg.close());

  it('serves the fixture releases as captured, with api.discogs.com URLs pointing at the fake', async () => {
    for (const [id, file] of [
      [8604223, 'releases_8604223.json'],
      [1, 'releases_1.json'],
    ] as const) {
      const res = await http().get(`/releases/${id}`);
      expect(res.status).toBe(200);
      expect(res.data).toEqual(
        JSON.parse(JSON.stringify(readDiscogsFixture(file)).replaceAll(DISCOGS_API, dg.url)),
      );
    }
    const res = await http().get('/releases/8604223');
    expect(res.data.resource_url).toBe(`${dg.url}/releases/8604223`);
    expect((await http().get(res.data.resource_url)).data.id).toBe(8604223);
  });

  it('serves composed jazz releases whose credits give exactly the expected personnel per track', async () => {
    for (const spec of Object.values(DISCOGS_RELEASES)) {
      const res = await http().get(`/releases/${spec.id}`);
      expect(res.status).toBe(200);
      expect(res.data).toMatchObject({ id: spec.id, title: spec.title, master_id: spec.masterId });
      expect(discogsPersonnel(res.data as Json)).toEqual(spec.expected);
    }
    const kob = (await http().get('/releases/9900002')).data as { extraartists: Array<Json> };
    expect(kob.extraartists.find((c) => c.name === 'Cannonball Adderley')).toEqual({
      name: 'Cannonball Adderley',
      anv: 'Julian "Cannonball" Adderley',
      join: '',
      role: 'Alto Saxophone',
      tracks: 'A1, A2, B1 to B2',
      id: 9900108,
      resource_url: `${dg.url}/artists/9900108`,
    });
  });

  it('answers unknown releases and paths with Discogs messages', async () => {
    expect((await http().get('/releases/123456789')).data).toEqual({ message: 'Release not found.' });
    expect((await http().get('/releases/123456789')).status).toBe(404);
    expect((await http().get('/nope')).status).toBe(404);
    expect((await http().get('/masters/9800002')).data).toMatchObject({
      main_release: 9900002,
      title: 'Kind Of Blue',
    });
  });

  it('requires a token for /database/search (header or query) and filters like Discogs', async () => {
    const unauth = await http().get('/database/search', { params: { q: 'coltrane' } });
    expect([unauth.status, unauth.data]).toEqual([401, { message: DISCOGS_AUTH_MESSAGE }]);
    const wrong = await http().get('/database/search', {
      params: { q: 'coltrane' },
      headers: { Authorization: 'Discogs token=wrong' },
    });
    expect(wrong.status).toBe(401);
    const viaQuery = await http().get('/database/search', {
      params: { q: 'coltrane', token: FAKE_DISCOGS_TOKEN },
    });
    expect(viaQuery.status).toBe(200);

    const res = await http().get('/database/search', {
      params: {
        type: 'release',
        artist: 'The Autoalex Test Trio',
        release_title: 'Quiet Sessions',
        per_page: 5,
        page: 1,
      },
      headers: auth,
    });
    expect(res.status).toBe(200);
    expect(res.data.pagination).toEqual({ page: 1, pages: 1, per_page: 5, items: 1, urls: {} });
    expect(res.data.results[0]).toMatchObject({
      type: 'release',
      id: 9900004,
      title: 'Autoalex Test Trio, The - Quiet Sessions',
      master_id: 9800004,
      format: ['CD', 'Album'],
      label: ['Autoalex Test Records'],
      catno: 'AATR-004',
      year: '2019',
      resource_url: `${dg.url}/releases/9900004`,
      user_data: { in_wantlist: false, in_collection: false },
      community: { want: 5, have: 10 },
    });
    // The result's resource_url is followable on the fake.
    expect((await http().get(res.data.results[0].resource_url)).data.extraartists).toHaveLength(5);

    const kinds = await http().get('/database/search', { params: { q: 'Kind of Blue' }, headers: auth });
    expect(kinds.data.results.map((r: Json) => [r.type, r.id])).toEqual([
      ['release', 9900002],
      ['master', 9800002],
    ]);
    const credit = await http().get('/database/search', {
      params: { credit: 'Wynton Kelly', type: 'release' },
      headers: auth,
    });
    expect(credit.data.results.map((r: Json) => r.id)).toEqual([9900002]);
    const old = await http().get('/database/search', {
      params: { release_title: 'Stockholm' },
      headers: auth,
    });
    expect(old.data.results[0]).toMatchObject({ id: 1, title: 'Persuader, The - Stockholm' });

    const paged = await http().get('/database/search', {
      params: { type: 'release', per_page: 2, page: 1 },
      headers: auth,
    });
    expect(paged.data.pagination).toMatchObject({ page: 1, pages: 4, per_page: 2, items: 7 });
    const next = await http().get(paged.data.pagination.urls.next, { headers: auth });
    expect(next.data.pagination.page).toBe(2);
    expect(next.data.results).toHaveLength(2);
    expect(paged.data.pagination.urls.next.startsWith(`${dg.url}/database/search?`)).toBe(true);
  });

  it('requires a User-Agent', async () => {
    expect((await rawGet(`${dg.url}/releases/1`, {})).status).toBe(403);
  });
});

describe('Discogs fake rate limit', () => {
  it('counts requests in X-Discogs-Ratelimit headers (60 with a token, 25 without) and answers 429 over them', async () => {
    const dg = await startDiscogsFake({ enforceRateLimit: true });
    try {
      const http = axios.create({
        baseURL: dg.url,
        headers: { 'User-Agent': 'Autoalex/0.1.0', Authorization: `Discogs token=${FAKE_DISCOGS_TOKEN}` },
        validateStatus: () => true,
      });
      const first = await http.get('/releases/9900001');
      expect(first.headers['x-discogs-ratelimit']).toBe('60');
      expect(first.headers['x-discogs-ratelimit-used']).toBe('1');
      expect(first.headers['x-discogs-ratelimit-remaining']).toBe('59');
      for (let i = 2; i <= 60; i++) expect((await http.get('/releases/9900001')).status).toBe(200);
      const over = await http.get('/releases/9900001');
      expect([over.status, over.data]).toEqual([429, { message: DISCOGS_RATE_MESSAGE }]);
      expect(over.headers['x-discogs-ratelimit-remaining']).toBe('0');
      expect(dg.throttled).toHaveLength(1);
    } finally {
      await dg.close();
    }

    const anon = await startDiscogsFake({ enforceRateLimit: true });
    try {
      const http = axios.create({ baseURL: anon.url, validateStatus: () => true });
      const first = await http.get('/releases/1');
      expect(first.headers['x-discogs-ratelimit']).toBe('25');
      for (let i = 2; i <= 25; i++) await http.get('/releases/1');
      expect((await http.get('/releases/1')).status).toBe(429);
    } finally {
      await anon.close();
    }
  });

  it('frees the window as it moves', async () => {
    const dg = await startDiscogsFake({
      enforceRateLimit: true,
      rateLimit: { authenticated: 2, windowMs: 300 },
    });
    try {
      const get = () =>
        axios.get(`${dg.url}/releases/1`, {
          headers: { 'User-Agent': 'Autoalex/0.1.0', Authorization: `Discogs token=${FAKE_DISCOGS_TOKEN}` },
          validateStatus: () => true,
        });
      expect([(await get()).status, (await get()).status, (await get()).status]).toEqual([200, 200, 429]);
      await new Promise((r) => setTimeout(r, 350));
      expect((await get()).status).toBe(200);
    } finally {
      await dg.close();
    }
  });
});
