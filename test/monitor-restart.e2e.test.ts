import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord } from '../fakes/discord/index.ts';
import type { FakeDiscord, RecordedRequest } from '../fakes/discord/index.ts';
import { plexContainer, startDockerFake } from '../fakes/docker.ts';
import type { DockerFake } from '../fakes/docker.ts';
import { generateLibrary } from '../fakes/library.ts';
import { startPlexFake } from '../fakes/plex.ts';
import type { PlexFake } from '../fakes/plex.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';
import type { TautulliFake } from '../fakes/tautulli.ts';
import { botEnv, stageApp, startBuiltBot } from './helpers/built-bot.ts';
import type { RunningBot } from './helpers/built-bot.ts';

// Issue 15, item 2, against the production process (`node dist/src/index.js`, built with the build's
// tsconfig): a Plex alert that Discord did not take, or whose post the bot never finished because it was
// killed, must still reach the alert channel, once, from the restarted bot.

const ROOT = new URL('..', import.meta.url).pathname;

let build: string;
let app: string;
let work: string;
let discord: FakeDiscord;
let tautulli: TautulliFake;
let plex: PlexFake;
let docker: DockerFake;
const bots: RunningBot[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'autoalex-monitor-restart-'));
  // Inside node_modules/.cache so the built files resolve this checkout's node_modules.
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  build = mkdtempSync(join(ROOT, 'node_modules/.cache/autoalex-monitor-restart-'));
  ({ app } = await stageApp(build));
  discord = await startFakeDiscord();
  tautulli = await startTautulliFake(FAKE_TAUTULLI_API_KEY);
  plex = await startPlexFake(generateLibrary({ artists: 2, albumsPerArtist: 1, tracksPerAlbum: 2, seed: 5 }));
  docker = await startDockerFake({ containers: [plexContainer()] });
}, 180_000);

afterEach(async () => {
  discord.failureFor = undefined;
  plex.failure = { kind: 'none' };
  for (const bot of bots.splice(0)) await bot.kill();
});

afterAll(async () => {
  await discord?.stop();
  await tautulli?.close();
  await plex?.close();
  await docker?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  if (build) rmSync(build, { recursive: true, force: true });
});

/** The built bot, checking Plex every second and alerting on the first failure; resolves once connected. */
async function startBot(dataDir: string): Promise<RunningBot> {
  const bot = startBuiltBot(process.execPath, app, {
    PATH: process.env.PATH ?? '',
    ...botEnv({ discord, tautulli, tautulliApiKey: FAKE_TAUTULLI_API_KEY }, dataDir),
    DISCORD_ALERT_CHANNEL_ID: discord.alertChannelId,
    PLEX_URL: plex.url,
    PLEX_TOKEN: plex.token,
    PLEX_POLL_INTERVAL: '1',
    PLEX_POLL_TIMEOUT: '1',
    PLEX_FAILURE_THRESHOLD: '1',
    DOCKER_HOST: `unix://${docker.socketPath}`,
  });
  bots.push(bot);
  expect(await bot.ready, `the bot did not start:\n${bot.output.join('\n')}\n${bot.stderr()}`).toBe(true);
  return bot;
}

const isAlertPost = (r: { method: string; path: string }) =>
  r.method === 'POST' && r.path === `/channels/${discord.alertChannelId}/messages`;
const alertsSince = (seq: number) =>
  discord
    .requestsSince(seq)
    .filter((r) => isAlertPost(r) && r.json?.embeds?.[0]?.title === '🔴 Plex is down');
const lastSeq = () => discord.requests.at(-1)?.seq ?? 0;

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the Plex alert across a crash of the bot', () => {
  it('is posted by the restarted bot when the first one was killed while its post waited for Discord', async () => {
    const dataDir = join(work, 'hang');
    const since = lastSeq();
    // Discord receives the post and never answers: the bot is killed while it waits.
    discord.failureFor = (r) => (isAlertPost(r) ? { kind: 'hang' } : undefined);
    plex.failure = { kind: 'status', status: 503 };
    const first = await startBot(dataDir);
    await until(() => alertsSince(since).length > 0, 15_000);
    await first.kill();
    expect(alertsSince(since).map((r) => r.status)).toEqual([0]);

    discord.failureFor = undefined;
    const restarted = Date.now();
    await startBot(dataDir);
    await until(() => alertsSince(since).some((r) => r.status === 200), 15_000);
    const delivered = alertsSince(since).find((r) => r.status === 200)!;
    expect(delivered.at - restarted).toBeLessThan(10_000);
    expect(delivered.json.embeds[0].fields[0]).toEqual({
      name: 'What failed',
      value: 'HTTP 503',
      inline: true,
    });
    const inChannel = [...discord.messages.values()].filter(
      (m) => m.channel_id === discord.alertChannelId && m.embeds[0]?.title === '🔴 Plex is down',
    );
    expect(inChannel.map((m) => m.id)).toEqual([alertId(delivered)]);
    // Once: the next checks post nothing more while Plex stays down.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(alertsSince(since).filter((r) => r.status === 200)).toHaveLength(1);
  }, 60_000);

  it('is posted once Discord answers again after 500 ×4, and not again by a restarted bot', async () => {
    const dataDir = join(work, 'outage');
    const since = lastSeq();
    discord.failureFor = (r) => (isAlertPost(r) ? { kind: 'status', status: 500 } : undefined);
    plex.failure = { kind: 'status', status: 503 };
    const first = await startBot(dataDir);
    // discord.js's own retries: the post is tried four times, each answered 500.
    await until(() => alertsSince(since).length >= 4, 15_000);
    const outageEnded = Date.now();
    discord.failureFor = undefined;
    await until(() => alertsSince(since).some((r) => r.status === 200), 15_000);
    const delivered = alertsSince(since).find((r) => r.status === 200)!;
    expect(delivered.at - outageEnded).toBeLessThan(8_000);
    expect(delivered.json.embeds[0].title).toBe('🔴 Plex is down');
    // Killed once the bot has taken Discord's answer in (a kill between the two is the first test's case).
    await until(() => first.output.some((line) => line.includes('Plex notice posted')), 10_000);

    await first.kill();
    const after = lastSeq();
    await startBot(dataDir);
    // The restarted bot knows the alert went out: Plex's recovery answers it, and no second alert.
    plex.failure = { kind: 'none' };
    const recovery = await discord.waitForRequest(
      (r) => r.seq > after && isAlertPost(r) && r.json?.embeds?.[0]?.title === '🟢 Plex is back',
      15_000,
    );
    expect(recovery.json.message_reference.message_id).toBe(alertId(delivered));
    expect(alertsSince(after)).toEqual([]);
  }, 60_000);
});

/** The id of the message the fake stored for a recorded post. */
function alertId(post: RecordedRequest): string | undefined {
  return [...discord.messages.values()].find(
    (m) =>
      m.channel_id === discord.alertChannelId &&
      m.embeds[0]?.title === post.json.embeds[0].title &&
      m.embeds[0]?.timestamp === post.json.embeds[0].timestamp,
  )?.id;
}
