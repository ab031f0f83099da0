import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sendToChannel } from '../src/bot/channel.ts';
import { createDiscordActions } from '../src/bot/discord-actions.ts';
import { startBot } from '../src/bot/index.ts';
import type { Bot } from '../src/bot/index.ts';
import { startJobs } from '../src/jobs/index.ts';
import { createNowPlayingBoard } from '../src/jobs/now-playing-board.ts';
import type { NowPlayingBoard } from '../src/jobs/now-playing-board.ts';
import type { Job, JobContext } from '../src/jobs/types.ts';
import { createSilentLogger } from '../src/logger.ts';
import { createServices } from '../src/services/index.ts';
import type { Services } from '../src/services/index.ts';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import { sendJson, startHttpFake } from '../fakes/http-fake.ts';
import { activityOf, sampleActivity, trackSession } from '../fakes/tautulli-sessions.ts';
import type { TautulliFake } from '../fakes/tautulli.ts';
import { startHarness } from './helpers/harness.ts';
import { captureLogger } from './helpers/logs.ts';
import type { Harness } from './helpers/harness.ts';

const BOARD_CHANNEL = '1100000000000000044';
const REST = { globalRequestsPerSecond: Infinity, retries: 0, timeout: 5000 };
const logger = createSilentLogger();

let h: Harness;
/** Bots and services started by a test (restarts), stopped after it. */
let extra: Array<{ bot: Bot; services: Services }> = [];

function contextFor(bot: Bot, services: Services, config = h.config): JobContext {
  return {
    config,
    services,
    logger,
    notify: (channelId, reply) => sendToChannel(bot.client, channelId, reply, logger),
    discord: createDiscordActions(bot.client, logger),
  };
}

/** The board's calls to Discord (posts, edits, reads of the channel) after request number `since`. */
function boardCalls(since: number): RecordedRequest[] {
  return h.discord
    .requestsSince(since)
    .filter((r) => r.path.startsWith(`/channels/${BOARD_CHANNEL}/messages`));
}
const posts = (since: number) => boardCalls(since).filter((r) => r.method === 'POST');
const edits = (since: number) => boardCalls(since).filter((r) => r.method === 'PATCH');
const lastSeq = () => h.discord.requests.at(-1)?.seq ?? 0;

function setActivity(sessions: Array<Record<string, unknown>>): void {
  h.tautulli.activity = activityOf(sessions) as TautulliFake['activity'];
}

const sample = () => sampleActivity().sessions;

function listener(n: number, progress = 30) {
  return trackSession({
    sessionId: `late${String(n).padStart(20, '0')}`,
    user: `Listener ${n}`,
    userId: 3000 + n,
    artist: 'Skrillex',
    album: 'Try It Out',
    track: 'Try It Out (Neon mix)',
    keys: ['158', '157', '156'],
    progress,
  });
}

/** A board with its own context, as src/index.ts wires it; ticks are called directly (no 10 s waits). */
function newBoard(bot = h.bot, services = h.services): NowPlayingBoard & { tick(): Promise<void> } {
  const board = createNowPlayingBoard();
  const ctx = contextFor(bot, services);
  return Object.assign(board, { tick: () => board.run(ctx) });
}

/** A second bot process on the same fake Discord: the same database, or a fresh one (`dataDir`). */
async function restart(dataDir?: string) {
  const config = dataDir ? { ...h.config, dataDir } : h.config;
  const services = createServices(config, logger);
  const bot = await startBot({ config, services, logger }, { rest: REST });
  extra.push({ bot, services });
  const board = createNowPlayingBoard();
  const ctx = contextFor(bot, services, config);
  return Object.assign(board, { tick: () => board.run(ctx) });
}

beforeEach(async () => {
  h = await startHarness({
    discord: { alertChannelId: BOARD_CHANNEL },
    env: { ACTIVITY_CHANNEL_ID: BOARD_CHANNEL, ACTIVITY_REFRESH_SECONDS: '10' },
  });
  setActivity(sample());
});
afterEach(async () => {
  for (const { bot, services } of extra) {
    await bot.stop();
    services.close();
  }
  extra = [];
  await h.stop();
});

const boardMessages = () => [...h.discord.messages.values()].filter((m) => m.channel_id === BOARD_CHANNEL);
const withoutTimestamps = (embeds: Array<Record<string, unknown>>) =>
  embeds.map(({ timestamp: _t, ...rest }) => rest);
/** Each presence the bot sent, as the text it shows (null = none). */
const presenceLines = () => h.discord.presences.map((p) => p.activities[0]?.state ?? null);

describe('the live now-playing board', () => {
  it('posts ONE message with the /alex usage content, then leaves it alone while nothing changes', async () => {
    const board = newBoard();
    const since = lastSeq();
    for (let i = 0; i < 4; i++) await board.tick();
    expect(posts(since)).toHaveLength(1);
    expect(edits(since)).toHaveLength(0);
    // One look at the channel for an earlier board (none), then never again.
    expect(boardCalls(since).filter((r) => r.method === 'GET')).toHaveLength(1);
    const post = posts(since)[0]!;
    expect(post.json.content).toBe('📡 **Live on Plex** · 3 streams');
    expect(post.json.components).toEqual([]);
    expect(post.json.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(post.files.map((f) => f.name).sort()).toEqual(['art-0.png', 'art-1.png', 'art-2.png']);
    const usage = await h.discord.slashCommand({ name: 'alex', subcommand: 'usage' });
    const shown = await h.discord.waitForRequest(
      (r) => r.method === 'PATCH' && r.path.endsWith(`/${usage.token}/messages/@original`),
    );
    expect(withoutTimestamps(post.json.embeds)).toEqual(withoutTimestamps(shown.json.embeds));
    expect(boardMessages()).toHaveLength(1);
    expect(h.services.store.getBoardMessage(BOARD_CHANNEL)).toBe(boardMessages()[0]?.id);
    await expect.poll(presenceLines).toEqual(['3 streams']);
    expect(h.discord.presences[0]).toMatchObject({ status: 'online', activities: [{ type: 4 }] });
  });

  it('edits the same message when a stream progresses, starts or stops; presence follows the count', async () => {
    const board = newBoard();
    await board.tick();
    const id = boardMessages()[0]?.id;
    const since = lastSeq();
    const sessions = sample();
    Object.assign(sessions[0]!, { progress_percent: '70', view_offset: String(Math.round(245_000 * 0.7)) });
    setActivity(sessions);
    await board.tick();
    await board.tick();
    expect(edits(since)).toHaveLength(1);
    const progress = edits(since)[0]!.json.embeds[0].fields.find(
      (f: { name: string }) => f.name === 'Progress',
    );
    expect(progress.value).toMatch(/ 70% 2:51 \/ 4:05$/);
    setActivity([...sessions, listener(1)]);
    await board.tick();
    expect(edits(since).at(-1)!.json.content).toBe('📡 **Live on Plex** · 4 streams');
    setActivity([]);
    await board.tick();
    await board.tick();
    const idle = edits(since).at(-1)!.json;
    expect(edits(since)).toHaveLength(3);
    expect(idle.content).toBe('📡 **Live on Plex** · nothing playing');
    expect(idle.embeds[0]).toMatchObject({
      title: 'Nothing is playing on Plex right now',
      description: 'This message updates by itself every 10 s.',
    });
    expect(edits(since).every((r) => r.path === `/channels/${BOARD_CHANNEL}/messages/${id}`)).toBe(true);
    expect(posts(since)).toHaveLength(0);
    expect(boardMessages()).toHaveLength(1);
    // Progress alone does not touch the presence; the count does, once per change.
    await expect.poll(presenceLines).toEqual(['3 streams', '4 streams', null]);
  });

  it('posts the board again when someone deleted it, at the next change', async () => {
    const board = newBoard();
    await board.tick();
    const first = boardMessages()[0]!.id;
    h.discord.messages.delete(first);
    const since = lastSeq();
    setActivity([listener(1)]);
    await board.tick();
    expect(edits(since).map((r) => [r.path, r.status, r.json === null])).toEqual([
      [`/channels/${BOARD_CHANNEL}/messages/${first}`, 404, false],
    ]);
    expect(posts(since)).toHaveLength(1);
    const second = boardMessages();
    expect(second).toHaveLength(1);
    expect(second[0]!.content).toBe('📡 **Live on Plex** · 1 stream');
    expect(h.services.store.getBoardMessage(BOARD_CHANNEL)).toBe(second[0]!.id);
    setActivity([listener(1, 80)]);
    await board.tick();
    expect(edits(since).at(-1)!.path).toBe(`/channels/${BOARD_CHANNEL}/messages/${second[0]!.id}`);
    expect(posts(since)).toHaveLength(1);
  });

  it('reuses its message after a restart (the id is in the database), without posting a second one', async () => {
    const board = newBoard();
    await board.tick();
    await board.stop();
    const id = boardMessages()[0]!.id;
    const since = lastSeq();
    const again = await restart();
    await again.tick();
    expect(posts(since)).toHaveLength(0);
    expect(boardCalls(since).map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH /channels/${BOARD_CHANNEL}/messages/${id}`,
    ]);
    expect(boardMessages()).toHaveLength(1);
  });

  it('finds its message in the channel when the database was lost, past newer messages', async () => {
    const board = newBoard();
    await board.tick();
    await board.stop();
    const id = boardMessages()[0]!.id;
    // Newer messages in the same channel: someone else's and another of the bot's.
    await h.discord.userMessage('nice song', { channelId: BOARD_CHANNEL });
    await sendToChannel(h.bot.client, BOARD_CHANNEL, { content: 'Plex is down' }, logger);
    const since = lastSeq();
    const again = await restart(mkdtempSync(join(tmpdir(), 'autoalex-board-')));
    await again.tick();
    expect(posts(since)).toHaveLength(0);
    expect(boardCalls(since).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /channels/${BOARD_CHANNEL}/messages`,
      `PATCH /channels/${BOARD_CHANNEL}/messages/${id}`,
    ]);
  });

  it('shows "Tautulli unreachable since" once during an outage, then streams again', async () => {
    const board = newBoard();
    await board.tick();
    const since = lastSeq();
    const started = Math.floor(Date.now() / 1000);
    h.tautulli.failure = { kind: 'down' };
    await board.tick();
    await board.tick();
    // A second later the outage is still the same one: same "since", no second edit.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await board.tick();
    expect(edits(since)).toHaveLength(1);
    const down = edits(since)[0]!.json;
    const at = Number(
      /^📡 \*\*Live on Plex\*\* · Tautulli unreachable since <t:(\d+):t>$/.exec(down.content)?.[1],
    );
    expect(at).toBeGreaterThanOrEqual(started);
    expect(at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(down.embeds).toHaveLength(1);
    expect(down.embeds[0].description).toBe(
      'Tautulli is unreachable right now. Is it running, and is its URL right?\n\n' +
        `Since <t:${at}:t> (<t:${at}:R>). This board comes back by itself when Tautulli answers again.`,
    );
    expect(edits(since)[0]!.files).toEqual([]);
    h.tautulli.failure = { kind: 'none' };
    await board.tick();
    expect(edits(since)).toHaveLength(2);
    expect(edits(since)[1]!.json.content).toBe('📡 **Live on Plex** · 3 streams');
    await expect.poll(presenceLines).toEqual(['3 streams', null, '3 streams']);
  });

  it('stops cleanly: a tick in flight edits nothing after stop(), and later ticks do nothing', async () => {
    const board = newBoard();
    await board.tick();
    const since = lastSeq();
    h.tautulli.failure = { kind: 'slow', delayMs: 300 };
    setActivity([listener(1)]);
    const inFlight = board.tick();
    await expect.poll(() => h.tautulli.requests.at(-1)?.query.cmd).toBe('get_activity');
    await board.stop();
    const stoppedAt = lastSeq();
    const tautulliCalls = h.tautulli.requests.length;
    await inFlight;
    await board.tick();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(boardCalls(since)).toEqual([]);
    expect(lastSeq()).toBe(stoppedAt);
    expect(h.tautulli.requests.length).toBe(tautulliCalls);
    expect(presenceLines()).toEqual(['3 streams']);
  });

  it('says Tautulli did not answer within UPSTREAM_TIMEOUT when it drips its answer, instead of freezing', async () => {
    const board = newBoard();
    await board.tick();
    const since = lastSeq();
    h.tautulli.failure = { kind: 'drip', intervalMs: 200 };
    const started = performance.now();
    await board.tick();
    expect(performance.now() - started).toBeLessThan(3500);
    expect(edits(since)).toHaveLength(1);
    expect(edits(since)[0]!.json.content).toMatch(
      /^📡 \*\*Live on Plex\*\* · Tautulli not answering since <t:\d+:t>$/,
    );
    expect(edits(since)[0]!.json.embeds[0].description).toMatch(
      /^Tautulli did not answer within 2 s\. It may be busy; try again in a moment\.\n\nSince <t:\d+:t>/,
    );
  });

  it('the scheduler stops waiting for a tick stuck on a stalled answer at its deadline, logs it, and ticks again', async () => {
    const stalled = await startHttpFake((_req, res) => sendJson(res, 200, { streams: [] }));
    stalled.failure = { kind: 'stall-body' };
    const { logger: log, text } = captureLogger();
    const runs: number[] = [];
    const job: Job = {
      name: 'stuck-probe',
      pattern: () => ({ everySeconds: 1 }),
      deadlineMs: () => 500,
      async run() {
        runs.push(Date.now());
        // A request with no deadline of its own, on an answer whose body never finishes.
        await fetch(stalled.url).then((r) => r.text());
      },
    };
    const stopJobs = startJobs({ ...contextFor(h.bot, h.services), logger: log }, [job]);
    try {
      await vi.waitFor(() => expect(runs.length).toBeGreaterThanOrEqual(2), { timeout: 5000 });
      expect(text()).toContain(
        'job tick did not finish within its deadline; the next tick runs as scheduled',
      );
      expect(text()).toContain('"job":"stuck-probe"');
    } finally {
      stopJobs();
      await stalled.close();
    }
  });

  it('runs on the job scheduler every ACTIVITY_REFRESH_SECONDS, and not at all without a channel', async () => {
    const board = createNowPlayingBoard();
    expect(board.pattern(h.config)).toEqual({ everySeconds: 10 });
    expect(board.pattern({ ...h.config, activity: { channelId: undefined, refreshS: 30 } })).toBeNull();
    const stopJobs = startJobs(contextFor(h.bot, h.services), [board]);
    try {
      const post = await h.discord.waitForRequest(
        (r) => r.method === 'POST' && r.path === `/channels/${BOARD_CHANNEL}/messages`,
        3000,
      );
      expect(post.json.content).toBe('📡 **Live on Plex** · 3 streams');
    } finally {
      stopJobs();
      await board.stop();
    }
  });
});
