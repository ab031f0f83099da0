import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord } from '../fakes/discord/index.ts';
import type { FakeDiscord, RecordedRequest } from '../fakes/discord/index.ts';
import { generateLibrary } from '../fakes/library.ts';
import { startPlexFake } from '../fakes/plex.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';
import { botEnv, stageApp, startBuiltBot } from './helpers/built-bot.ts';
import type { RunningBot } from './helpers/built-bot.ts';

/**
 * Another program holds a write lock on the bot's database (a backup, `sqlite3` opened by an admin) while
 * members use the bot (issue 15 item 4). The production process, a real SQLite lock from a second process:
 * every interaction is acknowledged inside Discord's window, a write says the database is busy, and once
 * the lock is gone the same write goes through.
 */
const ROOT = new URL('..', import.meta.url).pathname;
const LOCK_MS = 5000;
const BUSY =
  "Autoalex's database is locked by another program (a backup or a database tool?). Try again in a moment.";
const BUILD =
  (mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true }),
  mkdtempSync(join(ROOT, 'node_modules/.cache/autoalex-lock-')));

let discord: FakeDiscord;
let bot: RunningBot | undefined;
let closeFakes: () => Promise<void>;
let dataDir: string;

beforeAll(async () => {
  const { app } = await stageApp(BUILD);
  discord = await startFakeDiscord();
  const tautulli = await startTautulliFake();
  const plex = await startPlexFake(
    generateLibrary({ artists: 3, albumsPerArtist: 1, tracksPerAlbum: 3, seed: 4 }),
  );
  closeFakes = async () => {
    await discord.stop();
    await tautulli.close();
    await plex.close();
  };
  dataDir = join(BUILD, 'config');
  bot = startBuiltBot(process.execPath, app, {
    PATH: process.env.PATH ?? '',
    ...botEnv({ discord, tautulli, tautulliApiKey: FAKE_TAUTULLI_API_KEY }, dataDir),
    PLEX_URL: plex.url,
    PLEX_TOKEN: plex.token,
  });
  expect(await bot.ready, `the bot did not start:\n${bot.output.join('\n')}\n${bot.stderr()}`).toBe(true);
}, 120_000);

afterAll(async () => {
  await bot?.stop();
  await closeFakes?.();
  rmSync(BUILD, { recursive: true, force: true });
});

/** A second process that takes SQLite's write lock on the bot's database and keeps it for `ms`. */
async function holdWriteLock(ms: number): Promise<{ released: Promise<void> }> {
  const script = `
    const Database = require(${JSON.stringify(join(ROOT, 'node_modules/better-sqlite3'))});
    const db = new Database(${JSON.stringify(join(dataDir, 'autoalex.db'))});
    db.exec('BEGIN IMMEDIATE');
    console.log('locked');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const locker = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const released = new Promise<void>((resolve) => locker.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    locker.stdout!.once('data', () => resolve());
    locker.once('exit', (code) => reject(new Error(`the locker exited with ${code}`)));
  });
  return { released };
}

const member = (n: number) => ({ id: `74000000000000000${n}`, username: `member${n}` });

async function link(n: number, plexUser?: string) {
  return discord.slashCommand({
    name: 'alex',
    subcommand: 'link',
    options: plexUser ? [{ name: 'plex_user', type: 3, value: plexUser }] : [],
    user: member(n),
  });
}

async function answerOf(token: string, timeoutMs = 8000): Promise<RecordedRequest> {
  return discord.waitForRequest(
    (r) =>
      (r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`)) ||
      (r.method === 'POST' && r.path.endsWith(`/${token}`)),
    timeoutMs,
  );
}

describe('the production bot while another program holds its database', () => {
  it('acknowledges every interaction in time, says a write is busy, and takes it once the lock is gone', async () => {
    const { released } = await holdWriteLock(LOCK_MS);
    const lockedAt = Date.now();
    // Ten members at once: links (writes) and help, 150 ms apart, all while the lock is held.
    const sent: Array<{ id: string; token: string; writes: boolean }> = [];
    for (let n = 0; n < 10; n++) {
      const writes = n % 2 === 0;
      const asked = writes
        ? await link(n, 'Alex')
        : await discord.slashCommand({ name: 'alex', subcommand: 'help', user: member(n) });
      sent.push({ ...asked, writes });
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const callbacks = await Promise.all(sent.map((s) => discord.waitForCallback(s.id, 8000)));
    // Discord refuses an acknowledgement later than 3 s with 404 (10062): every one arrived in time.
    expect(callbacks.map((c) => c.status < 300)).toEqual(sent.map(() => true));
    const answers = await Promise.all(sent.filter((s) => s.writes).map((s) => answerOf(s.token)));
    for (const a of answers) expect(a.json.content).toBe(BUSY);
    // Told while the lock was still held: nobody waited it out.
    expect(Math.max(...answers.map((a) => a.at))).toBeLessThan(lockedAt + LOCK_MS);

    await released;
    const again = await link(0, 'Alex');
    expect((await answerOf(again.token)).json.content).toBe(
      'Your Discord account is now linked to the Plex user **Alex**.',
    );
    const shown = await link(0);
    expect((await answerOf(shown.token)).json.content).toBe(
      'Your Discord account is linked to the Plex user **Alex**.',
    );
    expect(bot!.output.join('\n')).toContain('database locked');
  }, 60_000);
});
