import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { battleLayout } from '../src/views/cards/battle-card.ts';
import { completionLayout } from '../src/views/cards/completion-card.ts';
import { THEME } from '../src/views/cards/theme.ts';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import { generateHistory, generateLibrary, sampleUsers } from '../fakes/library.ts';
import type { HistoryRow, LibArtist, Library } from '../fakes/library.ts';
import { expectedStats } from './helpers/expected-stats.ts';
import { startHarness } from './helpers/harness.ts';
import type { Harness } from './helpers/harness.ts';
import { decodePng, filledLength, hex } from './helpers/png-pixels.ts';

const ALEX = 1001;
const SAM = 1002;
const OWNER = { id: '400000000000000001', username: 'alexd', admin: true };
const PHOTO = '/photo/:/transcode';

let h: Harness;
let lib: Library;
let history: HistoryRow[];
/** An artist Alex has partly heard across more than one page of albums in progress. */
let artist: { key: string; title: string; albums: number };

async function slash(subcommand: string, options: Record<string, string>, attachmentSizeLimit?: number) {
  return h.discord.slashCommand({
    name: 'alex',
    subcommand,
    options: Object.entries(options).map(([name, value]) => ({ name, value, type: 3 })),
    user: OWNER,
    attachmentSizeLimit,
  });
}

/** The request that carried a deferred command's answer (or a button's update). */
async function answer(token: string): Promise<RecordedRequest> {
  return h.discord.waitForRequest(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`),
  );
}

beforeAll(async () => {
  lib = generateLibrary({ artists: 60, albumsPerArtist: [3, 16], tracksPerAlbum: [3, 12], seed: 11 });
  const users = sampleUsers();
  history = generateHistory(lib, users, {
    seed: 5,
    playsPerUser: users.map((u) => (u.userId === ALEX ? 9000 : u.userId === SAM ? 4000 : 300)),
  });
  const inProgress = (key: string) => expectedStats(lib, history, key, [ALEX]).albumsInProgress;
  const best = [...lib.artists].sort((a, b) => inProgress(b.ratingKey) - inProgress(a.ratingKey))[0]!;
  if (inProgress(best.ratingKey) <= 10) throw new Error('no artist with more than one page of albums');
  artist = {
    key: best.ratingKey,
    title: best.title,
    albums: lib.albums.filter((a) => a.artistKey === best.ratingKey).length,
  };
  h = await startHarness({ library: lib, history });
  const linked = await h.discord.slashCommand({
    name: 'alex',
    subcommand: 'link',
    options: [{ name: 'plex_user', type: 3, value: String(ALEX) }],
    user: OWNER,
  });
  // The link is stored before its answer replaces "thinking…".
  await h.discord.waitForRequest(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/${linked.token}/messages/@original`),
  );
});
afterAll(() => h.stop());
const albumsOf = (artistKey: string) => lib.albums.filter((a) => a.artistKey === artistKey);
beforeEach(() => h.plex!.coverFailures.clear());

describe('completion card', () => {
  it('comes with /alex completion as completion.png, shown by the embed, its bar at the share heard', async () => {
    const want = expectedStats(lib, history, artist.key, [ALEX]);
    const reply = await answer((await slash('completion', { artist: artist.key })).token);
    expect(reply.files.map((f) => [f.name, f.contentType])).toEqual([['completion.png', 'image/png']]);
    const embed = reply.json.embeds[0];
    expect(embed.image).toEqual({ url: 'attachment://completion.png' });
    // The embed is still the full text version.
    expect(embed.description).toContain(`${want.played} of ${want.total} tracks`);
    expect(reply.json.attachments[0].description).toBe(
      `Completion card: Alex, ${want.percent}% of ${artist.title} (${want.played} of ${want.total} tracks, ${want.albumsCompleted} of ${artist.albums} albums completed)`,
    );
    const png = await decodePng(reply.files[0]!.data);
    const layout = completionLayout(artist.albums);
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    const filled = filledLength(png, layout.bar, hex(THEME.track));
    expect(Math.abs(filled - Math.round((want.played / want.total) * layout.bar.w))).toBeLessThanOrEqual(2);
    // One small transcode per album and the artist's picture, all of this artist.
    const covers = h.plex!.requests.filter((r) => r.path === PHOTO).map((r) => r.query.url);
    const thumbs = new Set([
      ...lib.albums.filter((a) => a.artistKey === artist.key).map((a) => a.thumb),
      (lib.byKey.get(artist.key) as LibArtist).thumb,
    ]);
    expect(covers.length).toBe(artist.albums + 1);
    expect(covers.every((url) => thumbs.has(url as string))).toBe(true);
  });

  it('is attached again when Next edits the message, and costs no more cover requests', async () => {
    const interaction = await slash('completion', { artist: artist.key });
    await answer(interaction.token);
    const message = [...h.discord.messages.values()].find(
      (m) => m.interaction_metadata?.id === interaction.id,
    );
    const next = (message?.components?.[0] as { components: Array<{ custom_id: string }> }).components[1]!;
    const before = h.plex!.requests.filter((r) => r.path === PHOTO).length;
    const press = await h.discord.button(next.custom_id, { messageId: message?.id, user: OWNER });
    const update = await answer(press.token);
    expect(update.json.embeds[0].footer.text).toMatch(/^Page 2\//);
    expect(update.files.map((f) => f.name)).toEqual(['completion.png']);
    expect(update.json.embeds[0].image).toEqual({ url: 'attachment://completion.png' });
    expect(h.plex!.requests.filter((r) => r.path === PHOTO).length).toBe(before);
    expect(h.discord.messages.get(message!.id)?.attachments.map((a) => a.filename)).toEqual([
      'completion.png',
    ]);
  });

  it('does not wait for slow covers: placeholders now, the covers next time', async () => {
    // An artist not shown yet (nothing cached), with few enough albums for all covers to load at once.
    const other = [...lib.artists]
      .filter((a) => a.ratingKey !== artist.key)
      .sort((a, b) => albumsOf(a.ratingKey).length - albumsOf(b.ratingKey).length)[0]!;
    // Each cover takes 1.9 s: past the 1.5 s budget, yet inside the 2 s request timeout, so a card that
    // waited for them would show them.
    for (const key of [other.ratingKey, ...albumsOf(other.ratingKey).map((a) => a.ratingKey)])
      h.plex!.coverFailures.set(key, { kind: 'slow', delayMs: 1900 });
    const started = Date.now();
    const first = await answer((await slash('completion', { artist: other.ratingKey })).token);
    expect(Date.now() - started).toBeLessThan(3500);
    expect(first.files.map((f) => f.name)).toEqual(['completion.png']);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const requests = h.plex!.requests.length;
    const second = await answer((await slash('completion', { artist: other.ratingKey })).token);
    // Same numbers, now with the covers that arrived meanwhile (from the cache: no new request).
    expect(second.json.embeds[0].description).toBe(first.json.embeds[0].description);
    expect(second.files[0]!.data.equals(first.files[0]!.data)).toBe(false);
    expect(h.plex!.requests.slice(requests).filter((r) => r.path === PHOTO)).toEqual([]);
  });

  it('is left out, not the answer, when it cannot be attached', async () => {
    const reply = await answer((await slash('completion', { artist: artist.key }, 4096)).token);
    expect(reply.files).toEqual([]);
    expect(reply.json.embeds[0].image).toBeUndefined();
    expect(reply.json.content).toMatch(/^You have listened to \d+% /);
    expect(h.logs()).toContain('card rendering failed; replying without it');
  });

  it('comes with the prefix command too', async () => {
    const sent = await h.discord.userMessage(`!alex completion ${artist.title}`, { user: OWNER });
    const reply = await h.discord.waitForRequest((r) => r.json?.message_reference?.message_id === sent.id);
    expect(reply.files.map((f) => f.name)).toEqual(['completion.png']);
    expect(reply.json.embeds[0].image).toEqual({ url: 'attachment://completion.png' });
  });
});

describe('battle card', () => {
  it('comes with /alex compare as compare.png, the winner framed and both bars at their shares', async () => {
    const alex = expectedStats(lib, history, artist.key, [ALEX]);
    const sam = expectedStats(lib, history, artist.key, [SAM]);
    const reply = await answer((await slash('compare', { artist: artist.key, user_a: 'sam' })).token);
    expect(reply.files.map((f) => f.name)).toEqual(['compare.png']);
    expect(reply.json.embeds[0].image).toEqual({ url: 'attachment://compare.png' });
    const png = await decodePng(reply.files[0]!.data);
    const layout = battleLayout(8);
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    const [samPanel, alexPanel] = layout.panels as [(typeof layout.panels)[0], (typeof layout.panels)[0]];
    for (const [panel, stats] of [
      [samPanel, sam],
      [alexPanel, alex],
    ] as const) {
      const filled = filledLength(png, panel.bar, hex(THEME.track));
      expect(Math.abs(filled - Math.round((stats.played / stats.total) * panel.bar.w))).toBeLessThanOrEqual(
        2,
      );
    }
    const byShare = sam.played / sam.total - alex.played / alex.total;
    const winner = byShare > 0 || (byShare === 0 && sam.plays > alex.plays) ? samPanel : alexPanel;
    const edge = png.pixel(winner.x, winner.y + winner.h / 2);
    expect(Math.hypot(...edge.map((v, i) => v - (hex(THEME.accent)[i] as number)))).toBeLessThan(50);
  });
});
