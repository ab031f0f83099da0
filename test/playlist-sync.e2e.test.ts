import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendToChannel } from '../src/bot/channel.ts';
import { playlistSync } from '../src/jobs/playlist-sync.ts';
import { createSilentLogger } from '../src/logger.ts';
import type { Reply } from '../src/reply.ts';
import { PLAYLIST_ADD_CHUNK } from '../src/services/plex/writes.ts';
import { generateLibrary } from '../fakes/library.ts';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import type { PlexFake } from '../fakes/plex.ts';
import { startHarness } from './helpers/harness.ts';
import type { Harness } from './helpers/harness.ts';

const ADMIN = { id: '500000000000000001', username: 'owner', admin: true };
const MEMBER = { id: '500000000000000002', username: 'guest' };
const NAME = 'My Top Rated';

let h: Harness;
let plex: PlexFake;

const writes = (since: number) => plex.requests.slice(since).filter((r) => r.method !== 'GET');
const playlistKeys = (title = NAME) =>
  plex.playlists.find((p) => p.title === title)?.items.map((i) => i.ratingKey) ?? [];
const rated = (min = 8) =>
  new Set(plex.lib.tracks.filter((t) => (t.userRating ?? -1) >= min).map((t) => t.ratingKey));

async function sync(
  options: Array<{ name: string; type: number; value: string | boolean }> = [],
  user: object = ADMIN,
) {
  const interaction = await h.discord.slashCommand({
    name: 'alex',
    subcommand: 'sync_playlists',
    options,
    user,
  });
  const reply: RecordedRequest = await h.discord.waitForRequest(
    (r) =>
      (r.method === 'PATCH' && r.path.endsWith(`/${interaction.token}/messages/@original`)) ||
      (r.method === 'POST' && r.path.endsWith(`/${interaction.token}`)) ||
      (r.path.includes(`/interactions/${interaction.id}/`) && r.json?.type === 4),
  );
  return reply.json?.data ?? reply.json;
}

async function rate(ratingKey: string, rating: number | null) {
  await h.services.plex.rate(ratingKey, rating);
}

beforeAll(async () => {
  const library = generateLibrary({
    artists: 100,
    albumsPerArtist: [2, 5],
    tracksPerAlbum: [5, 12],
    seed: 21,
    ratedFraction: 0.7,
  });
  h = await startHarness({ library, env: { PLAYLIST_SYNC_CHANNEL_ID: '1100000000000000004' } });
  plex = h.plex!;
  expect(rated().size).toBeGreaterThan(PLAYLIST_ADD_CHUNK + 1);
});
afterAll(() => h.stop());
beforeEach(() => {
  plex.failure = { kind: 'none' };
  plex.failureFor = undefined;
});

describe('/alex sync_playlists', () => {
  it('refuses non-admins', async () => {
    const since = plex.requests.length;
    const reply = await sync([], MEMBER);
    expect(reply).toMatchObject({
      content: expect.stringMatching(/^Only server admins can do that/),
      flags: 64,
    });
    expect(plex.requests.length).toBe(since);
  });

  it('shows the diff on a dry run and writes nothing', async () => {
    const since = plex.requests.length;
    const reply = await sync([{ name: 'dry_run', type: 5, value: true }]);
    expect(reply.embeds[0].title).toBe(`Dry run: “${NAME}” would change`);
    expect(reply.embeds[0].description).toMatch(
      new RegExp(`^\\+${rated().size} added, −0 removed, 0 kept\\.`),
    );
    expect(writes(since)).toEqual([]);
  });

  it('creates the playlist with every track rated 4 stars or more, in few requests', async () => {
    const since = plex.requests.length;
    const reply = await sync();
    expect(reply.embeds[0].title).toBe(`“${NAME}” created`);
    expect(new Set(playlistKeys())).toEqual(rated());
    expect(playlistKeys()).toHaveLength(rated().size);
    const w = writes(since);
    expect(w.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(w.filter((r) => r.method === 'PUT')).toHaveLength(
      Math.ceil((rated().size - 1) / PLAYLIST_ADD_CHUNK),
    );
    // Rated tracks came from Plex's filter, not from downloading every track.
    const listing = plex.requests
      .slice(since)
      .filter((r) => r.path.endsWith('/all') && r.query.type === '10');
    expect(listing.every((r) => r.query['userRating>'] === '8')).toBe(true);
  });

  it('makes no write at all when nothing changed', async () => {
    const since = plex.requests.length;
    const reply = await sync();
    expect(reply.embeds[0].title).toBe(`“${NAME}” is already in sync`);
    expect(writes(since)).toEqual([]);
  });

  it('follows rating changes at the threshold: 7 out, 8 and 10 in, unrated out', async () => {
    const [a, b, c, d] = plex.lib.tracks.filter((t) => t.userRating === undefined).map((t) => t.ratingKey);
    const [wasIn] = [...rated()];
    await rate(a!, 8);
    await rate(b!, 10);
    await rate(c!, 7);
    await rate(wasIn!, null);
    const since = plex.requests.length;
    const reply = await sync();
    expect(reply.embeds[0].description).toMatch(/^\+2 added, −1 removed, /);
    expect(playlistKeys()).toEqual(expect.arrayContaining([a, b]));
    expect(playlistKeys()).not.toContain(c);
    expect(playlistKeys()).not.toContain(d);
    expect(playlistKeys()).not.toContain(wasIn);
    expect(new Set(playlistKeys())).toEqual(rated());
    expect(
      writes(since)
        .map((r) => r.method)
        .sort(),
    ).toEqual(['DELETE', 'PUT']);
  });

  it('converges on the next run after Plex fails in the middle of a sync', async () => {
    const out = [...rated()].slice(0, 3);
    for (const key of out) await rate(key, 4);
    const [newKey] = plex.lib.tracks.filter((t) => t.userRating === undefined).map((t) => t.ratingKey);
    await rate(newKey!, 9);
    plex.failureFor = (r) => (r.method === 'DELETE' ? { kind: 'status', status: 500 } : undefined);
    const failed = await sync();
    expect(failed).toMatchObject({
      content: expect.stringMatching(/^Plex answered with a server error \(HTTP 500\)\. /),
      flags: 64,
    });
    expect(playlistKeys()).toContain(newKey); // the add went through before the failure
    plex.failureFor = undefined;
    const reply = await sync();
    expect(reply.embeds[0].description).toMatch(/^\+0 added, −3 removed, /);
    expect(new Set(playlistKeys())).toEqual(rated());
    const runs = h.services.store.recentSyncRuns(2);
    expect(runs[0]).toMatchObject({ playlist: NAME, trigger: ADMIN.id, removed: 3, error: null });
    expect(runs[1]?.error).toMatch(/^Plex answered with a server error \(HTTP 500\)/);
  });

  it('removes duplicates of a track and nothing else', async () => {
    const playlist = plex.playlists.find((p) => p.title === NAME)!;
    const dup = playlist.items[0]!.ratingKey;
    await h.services.plex.addToPlaylist(playlist.ratingKey, [dup]);
    const reply = await sync();
    expect(reply.embeds[0].description).toMatch(/^\+0 added, −1 removed, /);
    expect(playlistKeys().filter((k) => k === dup)).toHaveLength(1);
  });

  it('refuses a smart playlist or several playlists with the name, deleting nothing', async () => {
    const artist = plex.lib.artists[3]!;
    plex.addPlaylist({
      title: `Top Rated: ${artist.title}`,
      smart: true,
      ratingKeys: [plex.lib.tracks[0]!.ratingKey],
    });
    const snapshot = JSON.stringify(plex.playlists);
    const smart = await sync([{ name: 'artist', type: 3, value: artist.ratingKey }]);
    expect(smart.content).toBe(
      `“Top Rated: ${artist.title}” is a smart playlist, which Plex fills by itself. Rename it or choose another PLAYLIST_NAME.`,
    );
    const other = plex.lib.artists[4]!;
    plex.addPlaylist({ title: `Top Rated: ${other.title}`, ratingKeys: [plex.lib.tracks[1]!.ratingKey] });
    plex.addPlaylist({ title: `Top Rated: ${other.title}`, ratingKeys: [plex.lib.tracks[2]!.ratingKey] });
    const twice = await sync([{ name: 'artist', type: 3, value: other.ratingKey }]);
    expect(twice.content).toMatch(/^There are 2 playlists called “Top Rated: /);
    expect(JSON.stringify(plex.playlists.slice(0, JSON.parse(snapshot).length))).toBe(snapshot);
  });

  it('keeps a "Top Rated: {Artist}" playlist with that artist only', async () => {
    const artist = [...plex.lib.artists].find(
      (a) =>
        plex.lib.tracks.some((t) => t.artistKey === a.ratingKey && (t.userRating ?? 0) >= 8) &&
        a.ratingKey !== plex.lib.artists[3]!.ratingKey &&
        a.ratingKey !== plex.lib.artists[4]!.ratingKey,
    )!;
    const reply = await sync([{ name: 'artist', type: 3, value: artist.ratingKey }]);
    expect(reply.embeds[0].title).toBe(`“Top Rated: ${artist.title}” created`);
    const want = plex.lib.tracks
      .filter((t) => t.artistKey === artist.ratingKey && (t.userRating ?? -1) >= 8)
      .map((t) => t.ratingKey);
    expect(new Set(playlistKeys(`Top Rated: ${artist.title}`))).toEqual(new Set(want));
  });

  it('refuses a second sync while one is running', async () => {
    plex.failure = { kind: 'slow', delayMs: 300 };
    const first = sync();
    await new Promise((resolve) => setTimeout(resolve, 50));
    plex.failure = { kind: 'none' };
    const second = await sync();
    expect(second.content).toBe(`A sync of “${NAME}” is already running. Try again in a moment.`);
    expect((await first).embeds[0].title).toMatch(/^“My Top Rated”/);
  });
});

describe('the scheduled sync', () => {
  it('posts what changed to PLAYLIST_SYNC_CHANNEL_ID, and nothing when nothing changed', async () => {
    const logger = createSilentLogger();
    const ctx = {
      config: h.config,
      services: h.services,
      logger,
      notify: (channelId: string, reply: Reply) => sendToChannel(h.bot.client, channelId, reply, logger),
    };
    expect(playlistSync.pattern(h.config)).toBe('0 * * * *');
    const [key] = plex.lib.tracks.filter((t) => t.userRating === undefined).map((t) => t.ratingKey);
    await rate(key!, 10);
    const since = h.discord.requests.length;
    await playlistSync.run(ctx);
    const post = await h.discord.waitForRequest(
      (r) => r.method === 'POST' && r.path === '/channels/1100000000000000004/messages',
    );
    expect(post.json.embeds[0].description).toMatch(/^\+1 added, −0 removed, /);
    expect(post.json.embeds[0].fields[0].value).toContain(
      plex.lib.tracks.find((t) => t.ratingKey === key)!.title.slice(0, 20),
    );
    await playlistSync.run(ctx);
    expect(h.discord.requests.slice(since).filter((r) => r.path.startsWith('/channels/'))).toHaveLength(1);
    expect(h.services.store.recentSyncRuns(1)[0]).toMatchObject({
      trigger: 'schedule',
      added: 0,
      removed: 0,
    });
  });
});
