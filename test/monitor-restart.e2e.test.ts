import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
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

// Issue 15, item 2, against the production process (`node dist/src/index.js`, built with the build's
// tsconfig): a Plex alert that Discord did not take, or whose post the bot never finished because it was
// killed, must still reach the alert channel, once, from the restarted bot.

const ROOT = new URL('..', import.meta.url).pathname;

let dist: string;
let work: string;
let discord: FakeDiscord;
let tautulli: TautulliFake;
let plex: PlexFake;
let docker: DockerFake;
const children: ChildProcess[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'autoalex-monitor-restart-'));
  // Inside node_modules/.cache so the built files resolve this checkout's node_modules.
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  dist = mkdtempSync(join(ROOT, 'node_modules/.cache/autoalex-monitor-restart-'));
  const built = await new Promise<{ code: number; output: string }>((resolve) =>
    execFile(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', dist],
      { cwd: ROOT },
      (error, stdout, stderr) => resolve({ code: error ? 1 : 0, output: stdout + stderr }),
    ),
  );
  expect(built.code, built.output).toBe(0);
  discord = await startFakeDiscord();
  tautulli = await startTautulliFake(FAKE_TAUTULLI_API_KEY);
  plex = await startPlexFake(generateLibrary({ artists: 2, albumsPerArtist: 1, tracksPerAlbum: 2, seed: 5 }));
  docker = await startDockerFake({ containers: [plexContainer()] });
}, 180_000);

afterEach(() => {
  discord.failureFor = undefined;
  plex.failure = { kind: 'none' };
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

afterAll(async () => {
  await discord?.stop();
  await tautulli?.close();
  await plex?.close();
  await docker?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  if (dist) rmSync(dist, { recursive: true, force: true });
});

/** The built bot, checking Plex every second and alerting on the first failure; resolves once connected. */
async function startBot(
  dataDir: string,
): Promise<{ child: ChildProcess; exited: Promise<unknown>; output: string[] }> {
  const child = spawn(process.execPath, [join(dist, 'src/index.js')], {
    cwd: work,
    env: {
      PATH: process.env.PATH,
      DISCORD_TOKEN: discord.token,
      DISCORD_CLIENT_ID: discord.applicationId,
      DISCORD_API_URL: discord.restApi,
      DISCORD_ALERT_CHANNEL_ID: discord.alertChannelId,
      TAUTULLI_URL: tautulli.url,
      TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
      PLEX_URL: plex.url,
      PLEX_TOKEN: plex.token,
      PLEX_POLL_INTERVAL: '1',
      PLEX_POLL_TIMEOUT: '1',
      PLEX_FAILURE_THRESHOLD: '1',
      DOCKER_HOST: `unix://${docker.socketPath}`,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const output: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (!line.includes('connected to Discord')) return;
      clearTimeout(timer);
      resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  expect(ready, `the bot did not start:\n${output.join('\n')}`).toBe(true);
  return { child, exited, output };
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
    first.child.kill('SIGKILL');
    await first.exited;
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

    first.child.kill('SIGKILL');
    await first.exited;
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
