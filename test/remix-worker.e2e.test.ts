// Remixes separated by remote workers (REMIX_QUEUE_URL): the bot (real discord.js client against the fake
// Discord) queues the separation in BullMQ on a real Redis, and `autoalex worker` processes (the tsc build,
// fake Demucs) take it. Without a Redis these tests are skipped, loudly, with the reason.

import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import { generateLibrary } from '../fakes/library.ts';
import type { Library, LibTrack } from '../fakes/library.ts';
import { stemLevels } from './helpers/audio.ts';
import { announceSkip } from './helpers/docker-engine.ts';
import type { fakeDemucs } from './helpers/fake-demucs.ts';
import { startHarness } from './helpers/harness.ts';
import { remixFixture } from './helpers/remix-fixture.ts';
import type { Harness } from './helpers/harness.ts';
import { freePort } from './helpers/ports.ts';
import { redisServerBinary, startRedisServer, testRedis, whyNoRedis } from './helpers/redis.ts';
import type { TestRedis } from './helpers/redis.ts';
import { buildApp, isAlive, startWorker } from './helpers/remix-worker.ts';
import type { WorkerProcess } from './helpers/remix-worker.ts';

const ALEX = { id: '400000000000000001', username: 'alexd' };
const SAM = { id: '400000000000000002', username: 'samd' };
const SECONDS = 4;
/** A dead worker's job is taken over after about this (REMIX_WORKER_LOCK_SECONDS), not production's 30 s. */
const LOCK_SECONDS = 2;

const reason = whyNoRedis();
if (reason) announceSkip('remixes on remote workers (Redis)', reason);

let h: Harness;
let redis: TestRedis;
let lib: Library;
let work: string;
let demucsLog: string;
let demucs: ReturnType<typeof fakeDemucs>;
const tracks: LibTrack[] = [];
let workers: WorkerProcess[] = [];
let built: Awaited<ReturnType<typeof buildApp>>;

type Json = RecordedRequest['json'];
interface DemucsCall {
  pid: number;
  env: Record<string, string>;
}

function demucsCalls(): DemucsCall[] {
  if (!existsSync(demucsLog)) return [];
  return readFileSync(demucsLog, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as DemucsCall);
}

function components(json: Json): Array<{ custom_id: string; label?: string }> {
  return (json?.components ?? []).flatMap((row: { components: unknown[] }) => row.components);
}

async function remix(track: LibTrack, user = ALEX, stem = 'vocals') {
  return h.discord.slashCommand({
    name: 'alex',
    subcommand: 'reduce',
    options: [
      { name: 'track', value: track.ratingKey, type: 3 },
      { name: 'stem', value: stem, type: 3 },
    ],
    user,
  });
}

const isFinal = (r: RecordedRequest) => r.files.length > 0 || /⚠️|✖️/.test(String(r.json?.content ?? ''));

async function finalEdit(token: string, timeoutMs = 45_000): Promise<RecordedRequest> {
  return h.discord.waitForRequest(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`) && isFinal(r),
    timeoutMs,
  );
}

/** An edit of `token`'s message whose text matches `pattern`. */
function progressMatching(token: string, pattern: RegExp, timeoutMs = 30_000) {
  return h.discord.waitForRequest(
    (r) => r.path.endsWith(`/${token}/messages/@original`) && pattern.test(r.json?.content ?? ''),
    timeoutMs,
  );
}

/** The vocals of an MP3 the bot sent went down by about 60 dB, the drums stayed: a real remix, not noise. */
async function expectVocalsRemoved(request: RecordedRequest, original: Record<string, number>) {
  const file = join(work, `${request.seq}.mp3`);
  await writeFile(file, request.files[0]!.data);
  const levels = await stemLevels(file);
  expect(levels.vocals - original.vocals!).toBeLessThan(-50);
  expect(Math.abs(levels.drums - original.drums!)).toBeLessThan(1);
}

function worker(env: Record<string, string> = {}): WorkerProcess {
  const started = startWorker(built.app, {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    REMIX_QUEUE_URL: redis.url,
    PLEX_URL: h.plex!.url,
    PLEX_TOKEN: h.plex!.token,
    DEMUCS_COMMAND: demucs.command,
    REMIX_WORKER_LOCK_SECONDS: String(LOCK_SECONDS),
    REMIX_CONCURRENCY: '1',
    DATA_DIR: join(work, `worker-${workers.length}`),
    LOG_LEVEL: 'info',
    ...env,
  });
  workers.push(started);
  return started;
}

/** Which worker logged that it started separating (the job's first line in its log). */
function workerRunning(ratingKey: string): WorkerProcess | undefined {
  return workers.find((w) =>
    w.output.some(
      (line) => line.includes('"msg":"separating"') && line.includes(`"ratingKey":"${ratingKey}"`),
    ),
  );
}

let original: Record<string, number>;

describe.skipIf(reason !== undefined)('remixes separated by remote workers (REMIX_QUEUE_URL)', () => {
  beforeAll(async () => {
    built = await buildApp();
    redis = await testRedis();
    const fixture = await remixFixture({ prefix: 'remix-worker-', seconds: SECONDS, seed: 11, count: 11 });
    ({ work, demucsLog, demucs, original, lib } = fixture);
    const { audio } = fixture;
    tracks.push(...fixture.tracks);
    h = await startHarness({
      library: lib,
      partData: () => audio,
      // The bot itself has no Demucs: every separation must happen on a worker.
      env: { REMIX_QUEUE_URL: redis.url, DEMUCS_COMMAND: '/nonexistent/demucs', REMIX_QUEUE_MAX: '4' },
    });
    await h.services.library.refresh();
  }, 180_000);
  beforeEach(() =>
    onTestFailed(() => {
      workers.forEach((w, i) => console.error(`worker ${i}:\n${w.output.slice(-40).join('\n')}`));
      console.error(`bot:\n${h.logs().split('\n').slice(-40).join('\n')}`);
    }),
  );
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    workers = [];
    // A killed worker's Demucs lives on (nothing killed its child): end it, as the container's end would.
    for (const call of demucsCalls()) if (isAlive(call.pid)) process.kill(call.pid, 'SIGKILL');
    // A test that failed midway must not leave jobs for the next one's workers.
    const client = new Redis(redis.url);
    const left = await client.keys('autoalex:*');
    if (left.length > 0) await client.del(...left);
    client.disconnect();
    demucs.set();
  });
  afterAll(async () => {
    await h?.stop();
    await redis?.stop();
    built?.remove();
  });

  it(
    'a remix asked in Discord is separated by a worker process, with progress, and mixed by the bot',
    { timeout: 60_000 },
    async () => {
      demucs.set({ stepMs: 60 });
      await worker().ready;
      const before = demucsCalls().length;
      const interaction = await remix(tracks[0]!);
      const separating = await progressMatching(
        interaction.token,
        /Separating the stems with Demucs… .* \d+ %/,
      );
      expect(components(separating.json).some((c) => c.label === 'Cancel')).toBe(true);
      // While the job is out, nothing in Redis carries the Plex token: the worker uses its own.
      const client = new Redis(redis.url);
      const keys = await client.keys('autoalex:*');
      const values = await Promise.all(
        keys.map(async (key) =>
          (await client.type(key)) === 'hash' ? JSON.stringify(await client.hgetall(key)) : '',
        ),
      );
      client.disconnect();
      expect(values.join('\n')).toContain(tracks[0]!.ratingKey);
      expect(values.join('\n')).not.toContain(h.plex!.token);
      const final = await finalEdit(interaction.token);
      expect(final.json.content).toContain('**vocals −60 dB** · MP3 320 kbps');
      await expectVocalsRemoved(final, original);
      const calls = demucsCalls().slice(before);
      expect(calls).toHaveLength(1);
      expect(Object.values(calls[0]!.env).join(' ')).not.toContain(h.plex!.token);
      expect(Object.keys(calls[0]!.env)).not.toContain('REMIX_QUEUE_URL');
      expect(workerRunning(tracks[0]!.ratingKey)).toBe(workers[0]);
      expect(workers[0]!.output.join('\n')).not.toContain(h.plex!.token);
      // The stems were copied into the bot's cache and removed from Redis.
      const left = new Redis(redis.url);
      expect(await left.keys('autoalex:remix:stems:*')).toEqual([]);
      left.disconnect();
    },
  );

  it('two people remixing the same track share one job on the workers', { timeout: 60_000 }, async () => {
    demucs.set({ stepMs: 30 });
    await Promise.all([worker().ready, worker().ready]);
    const before = demucsCalls().length;
    const a = await remix(tracks[10]!, ALEX, 'vocals');
    const b = await remix(tracks[10]!, SAM, 'drums');
    const [finalA, finalB] = await Promise.all([finalEdit(a.token), finalEdit(b.token)]);
    expect(finalA.files).toHaveLength(1);
    expect(finalB.json.content).toContain('**drums −60 dB**');
    expect(demucsCalls().length - before).toBe(1);
  });

  it(
    'a worker SIGKILLed mid-job: another worker takes the job over and the user still gets the remix',
    { timeout: 90_000 },
    async () => {
      demucs.set({ stepMs: 150 });
      await Promise.all([worker().ready, worker().ready]);
      const before = demucsCalls().length;
      const interaction = await remix(tracks[1]!);
      await progressMatching(interaction.token, /Separating/);
      const first = workerRunning(tracks[1]!.ratingKey)!;
      expect(first).toBeDefined();
      // "Separating" is shown as Demucs starts: wait for its own log line before taking its pid.
      await expect.poll(() => demucsCalls().length).toBe(before + 1);
      const firstDemucs = demucsCalls().at(-1)!.pid;
      // What a crash or the OOM killer does to a container: the worker and its Demucs die at once.
      await first.kill();
      if (isAlive(firstDemucs)) process.kill(firstDemucs, 'SIGKILL');
      const second = workers.find((w) => w !== first)!;
      await expect
        .poll(
          () =>
            workerRunning(tracks[1]!.ratingKey) === second ||
            second.output.some((l) => l.includes('"msg":"separating"')),
          {
            timeout: 30_000,
          },
        )
        .toBe(true);
      const final = await finalEdit(interaction.token, 60_000);
      expect(final.files).toHaveLength(1);
      await expectVocalsRemoved(final, original);
      expect(demucsCalls().length - before).toBe(2);
    },
  );

  it(
    'docker stop on a worker puts its job straight back in the queue: another worker finishes it, long before a lock would expire',
    { timeout: 90_000 },
    async () => {
      demucs.set({ stepMs: 150 });
      // A lock far longer than the test: only the stopping worker handing the job back can explain a takeover.
      const slowLock = { REMIX_WORKER_LOCK_SECONDS: '120' };
      await Promise.all([worker(slowLock).ready, worker(slowLock).ready]);
      const before = demucsCalls().length;
      const interaction = await remix(tracks[8]!);
      await progressMatching(interaction.token, /Separating/);
      const first = workerRunning(tracks[8]!.ratingKey)!;
      await expect.poll(() => demucsCalls().length).toBe(before + 1);
      const firstDemucs = demucsCalls().at(-1)!.pid;
      expect(await first.stop()).toBe(0);
      expect(isAlive(firstDemucs)).toBe(false);
      const second = workers.find((w) => w !== first)!;
      const final = await finalEdit(interaction.token, 45_000);
      expect(final.files).toHaveLength(1);
      expect(second.output.some((l) => l.includes('"msg":"separating"'))).toBe(true);
      expect(demucsCalls().length - before).toBe(2);
    },
  );

  it(
    'a job whose workers keep dying fails with a clear message instead of hanging',
    { timeout: 120_000 },
    async () => {
      demucs.set({ mode: 'hang' });
      const interaction = await remix(tracks[2]!);
      for (let round = 0; round < 2; round++) {
        const next = worker();
        await next.ready;
        await expect
          .poll(() => next.output.some((l) => l.includes('"msg":"separating"')), { timeout: 30_000 })
          .toBe(true);
        await next.kill();
        for (const call of demucsCalls()) if (isAlive(call.pid)) process.kill(call.pid, 'SIGKILL');
      }
      // A third worker's stalled-job check finds the second dead one's job and gives up on it.
      await worker().ready;
      const final = await finalEdit(interaction.token, 60_000);
      expect(final.json.content).toContain('⚠️ The remix workers stopped twice while separating this track');
    },
  );

  it(
    'two workers share the load: two tracks separate at the same time, one on each',
    { timeout: 90_000 },
    async () => {
      // Slow enough that both runs overlap even when one worker starts a few seconds after the other.
      demucs.set({ stepMs: 200 });
      await Promise.all([worker().ready, worker().ready]);
      const before = demucsCalls().length;
      const a = await remix(tracks[3]!, ALEX);
      const b = await remix(tracks[4]!, SAM);
      await expect
        .poll(() => [workerRunning(tracks[3]!.ratingKey), workerRunning(tracks[4]!.ratingKey)], {
          timeout: 30_000,
        })
        .toEqual(expect.arrayContaining([workers[0], workers[1]]));
      // Both Demucs runs were alive at once.
      await expect
        .poll(
          () =>
            demucsCalls()
              .slice(before)
              .filter((call) => isAlive(call.pid)).length,
          { timeout: 20_000 },
        )
        .toBe(2);
      const [finalA, finalB] = await Promise.all([finalEdit(a.token), finalEdit(b.token)]);
      await expectVocalsRemoved(finalA, original);
      await expectVocalsRemoved(finalB, original);
    },
  );

  it(
    'shows the queue position among the waiting jobs while the only worker is busy',
    { timeout: 90_000 },
    async () => {
      demucs.set({ stepMs: 150 });
      await worker().ready;
      const a = await remix(tracks[5]!, ALEX);
      await progressMatching(a.token, /Separating/);
      const b = await remix(tracks[6]!, SAM);
      await progressMatching(b.token, /Waiting for the current separation to finish \(next in line\)/);
      // One waiting remix per person, as without workers.
      const c = await remix(tracks[9]!, SAM);
      expect((await finalEdit(c.token)).json.content).toContain(
        'You already have a remix waiting in the queue',
      );
      await Promise.all([finalEdit(a.token), finalEdit(b.token)]);
    },
  );

  it(
    'Cancel reaches the worker: its Demucs stops and the job is not run again',
    { timeout: 60_000 },
    async () => {
      demucs.set({ mode: 'hang' });
      const running = worker();
      await running.ready;
      const before = demucsCalls().length;
      const interaction = await remix(tracks[7]!);
      const withCancel = await progressMatching(interaction.token, /Separating/);
      await expect.poll(() => demucsCalls().length).toBe(before + 1);
      const pid = demucsCalls().at(-1)!.pid;
      const cancel = components(withCancel.json).find((c) => c.label === 'Cancel')!;
      const message = [...h.discord.messages.values()].find(
        (m) => m.interaction_metadata?.id === interaction.id,
      );
      await h.discord.button(cancel.custom_id, { messageId: message?.id, user: ALEX });
      const final = await finalEdit(interaction.token);
      expect(final.json.content).toContain('✖️ Remix cancelled.');
      await expect.poll(() => isAlive(pid), { timeout: 10_000 }).toBe(false);
      expect(running.output.join('\n')).toContain('cancelled by the bot');
      // Longer than a lock: a cancelled job must not come back as a stalled one.
      await new Promise((resolve) => setTimeout(resolve, (LOCK_SECONDS * 2 + 1) * 1000));
      expect(demucsCalls()).toHaveLength(before + 1);
    },
  );
});

// Needs no Redis until its last step (which needs redis-server, and says so when it is missing).
describe('the remix queue (Redis) unreachable', () => {
  it(
    'answers that the queue is not reachable, keeps running, and queues remixes again once Redis is up',
    { timeout: 60_000 },
    async () => {
      const down = `redis://127.0.0.1:${await freePort()}`;
      const library = generateLibrary({ artists: 1, albumsPerArtist: 1, tracksPerAlbum: 2, seed: 3 });
      const track = library.tracks.at(-1)!;
      track.durationMs = SECONDS * 1000;
      const bot = await startHarness({ library, env: { REMIX_QUEUE_URL: down } });
      let late: TestRedis | undefined;
      try {
        await bot.services.library.refresh();
        for (const user of [ALEX, SAM]) {
          const interaction = await bot.discord.slashCommand({
            name: 'alex',
            subcommand: 'reduce',
            options: [
              { name: 'track', value: track.ratingKey, type: 3 },
              { name: 'stem', value: 'vocals', type: 3 },
            ],
            user,
          });
          const final = await bot.discord.waitForRequest(
            (r) =>
              r.path.endsWith(`/${interaction.token}/messages/@original`) && /⚠️/.test(r.json?.content ?? ''),
            15_000,
          );
          expect(final.json.content).toContain('The remix queue (Redis) is not reachable');
        }
        expect(bot.logs()).toContain('the remix queue (Redis) is not reachable');
        // Redis comes up: the bot reconnects by itself and the next remix is queued (no worker takes it here).
        if (!redisServerBinary())
          return announceSkip('the bot reconnecting to Redis', 'no redis-server on PATH');
        late = await startRedisServer(Number(new URL(down).port));
        await expect
          .poll(
            async () => {
              const interaction = await bot.discord.slashCommand({
                name: 'alex',
                subcommand: 'reduce',
                options: [
                  { name: 'track', value: track.ratingKey, type: 3 },
                  { name: 'stem', value: 'vocals', type: 3 },
                ],
                user: ALEX,
              });
              const edit = await bot.discord.waitForRequest(
                (r) =>
                  r.path.endsWith(`/${interaction.token}/messages/@original`) &&
                  /⚠️|Waiting/.test(r.json?.content ?? ''),
                15_000,
              );
              return String(edit.json.content);
            },
            { timeout: 20_000, interval: 500 },
          )
          .toMatch(/Waiting/);
      } finally {
        await bot.stop();
        await late?.stop();
      }
    },
  );
});
