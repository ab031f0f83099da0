import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord } from '../fakes/discord/index.ts';
import type { FakeDiscord } from '../fakes/discord/index.ts';
import { generateHistory, generateLibrary, sampleUsers } from '../fakes/library.ts';
import { startPlexFake } from '../fakes/plex.ts';
import type { PlexFake } from '../fakes/plex.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';
import type { TautulliFake } from '../fakes/tautulli.ts';

/**
 * The scheduled digest, against the bot's real entry point (src/index.ts in its own process, real croner
 * jobs, a real SQLite file in DATA_DIR) stopped with SIGTERM and started again. The schedule is every twenty
 * seconds so restarts can land inside a slot and across missed slots. Each digest names the slot it is for
 * and the slot it continues from: no slot may appear twice, and each digest must start where the last ended.
 */
const ROOT = new URL('..', import.meta.url).pathname;
const EVERY_S = 20;

let discord: FakeDiscord;
let tautulli: TautulliFake;
let plex: PlexFake;
const dataDir = mkdtempSync(join(tmpdir(), 'autoalex-digest-'));

function env(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    DISCORD_TOKEN: discord.token,
    DISCORD_CLIENT_ID: discord.applicationId,
    DISCORD_API_URL: discord.restApi,
    TAUTULLI_URL: tautulli.url,
    TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
    PLEX_URL: plex.url,
    PLEX_TOKEN: plex.token,
    PLAYLIST_SYNC_CRON: 'off',
    DIGEST_CHANNEL_ID: discord.alertChannelId,
    DIGEST_CRON: `*/${EVERY_S} * * * * *`,
    HISTORY_SYNC_SECONDS: '10',
    DATA_DIR: dataDir,
    TZ: 'UTC',
    LOG_LEVEL: 'info',
  };
}

let child: ChildProcess | null = null;
let log = '';

async function startBot(): Promise<void> {
  child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], { cwd: ROOT, env: env() });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await until(() => /job scheduled.*"job":"digest"|"job":"digest".*job scheduled/.test(log), 60_000);
}

async function stopBot(): Promise<void> {
  const running = child;
  if (!running || running.exitCode !== null) return;
  const exited = new Promise((resolve) => running.once('exit', resolve));
  running.kill('SIGTERM');
  await exited;
  child = null;
}

async function until(probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`condition not met in time; bot log:\n${log.slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Posted {
  slot: string;
  since: string;
  title: string;
}

/** The digests the bot posted to the channel, in order. */
function digests(): Posted[] {
  return discord.requests
    .filter((r) => r.method === 'POST' && r.path === `/channels/${discord.alertChannelId}/messages`)
    .map((r) => r.json?.embeds?.[0])
    .filter((e) => e?.footer?.text?.startsWith('Scheduled digest'))
    .map((e) => {
      const [, since, slot] = /since (\S+) · slot (\S+)/.exec(e.footer.text) ?? [];
      return { slot: slot ?? '', since: since ?? '', title: e.title };
    });
}

beforeAll(async () => {
  const lib = generateLibrary({ artists: 6, albumsPerArtist: [2, 3], tracksPerAlbum: [4, 6], seed: 8 });
  const users = sampleUsers();
  const now = Math.floor(Date.now() / 1000);
  const history = generateHistory(lib, users, {
    seed: 4,
    playsPerUser: 60,
    startTime: now - 3 * 86_400,
    spanDays: 2,
  });
  discord = await startFakeDiscord({});
  tautulli = await startTautulliFake(FAKE_TAUTULLI_API_KEY, { history });
  plex = await startPlexFake(lib);
}, 60_000);

afterAll(async () => {
  await stopBot();
  await discord?.stop();
  await tautulli?.close();
  await plex?.close();
});

describe('the scheduled digest across restarts', () => {
  it('posts once per slot: not again after a restart inside the slot, and the missed one after downtime', async () => {
    await startBot();
    // A fresh install posts from the first slot on (the start-up only notes where the schedule stands).
    await until(() => digests().length >= 1, 60_000);
    const first = digests()[0] as Posted;
    expect(first.title).toMatch(/^🎧 Listening digest — /);

    // Restart right away, inside the same slot: that slot must not be posted again.
    await stopBot();
    log = '';
    await startBot();
    await until(() => log.includes('digest checked at start-up'), 30_000);
    expect(log).toMatch(/"outcome":"already-posted".*digest checked at start-up/);
    await until(() => digests().length >= 2, 60_000);
    await stopBot();

    // Down for two slots and more: the start-up posts one digest covering all of it.
    const before = digests().length;
    await new Promise((resolve) => setTimeout(resolve, (2 * EVERY_S + 1) * 1000));
    log = '';
    await startBot();
    const jobsStartedAt = Date.now();
    await until(() => log.includes('digest checked at start-up'), 60_000);
    expect(log).toMatch(/"outcome":"posted".*digest checked at start-up/);
    await until(() => digests().length > before, 10_000);
    const caughtUp = digests()[before] as Posted;
    // The catch-up names the latest slot when the jobs started, not a later scheduled one.
    expect(Date.parse(caughtUp.slot)).toBeLessThanOrEqual(jobsStartedAt + 1000);
    expect(jobsStartedAt - Date.parse(caughtUp.slot)).toBeLessThan(EVERY_S * 1000 + 1000);
    await stopBot();

    const all = digests();
    const slots = all.map((d) => d.slot);
    expect(new Set(slots).size).toBe(slots.length); // no duplicate
    for (let i = 1; i < all.length; i++) expect(all[i]?.since).toBe(all[i - 1]?.slot); // none missed
    expect(Date.parse(caughtUp.slot) - Date.parse(caughtUp.since)).toBeGreaterThanOrEqual(2 * EVERY_S * 1000);
  }, 240_000);
});
