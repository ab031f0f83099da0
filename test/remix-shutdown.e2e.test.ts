import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord } from '../fakes/discord/index.ts';
import type { FakeDiscord, RecordedRequest } from '../fakes/discord/index.ts';
import { generateLibrary } from '../fakes/library.ts';
import { startPlexFake } from '../fakes/plex/server.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';
import { synthStemTrack } from './helpers/audio.ts';
import { fakeDemucs } from './helpers/fake-demucs.ts';

/**
 * SIGTERM (docker stop, an update) while Demucs separates one track and another waits in the queue, against
 * the built bot (`dist/src/index.js`) as production runs it. Before the fix, execa's signal-exit re-raised
 * the signal once the bot's `process.once` handler was gone: the bot died mid-shutdown and both messages
 * stayed at "Separating…"/"Waiting…" forever.
 */
const ROOT = new URL('..', import.meta.url).pathname;
const exec = promisify(execFile);
const ALEX = { id: '400000000000000001', username: 'alexd' };
const SAM = { id: '400000000000000002', username: 'samd' };

// Built inside node_modules/.cache so the build finds the project's dependencies and no linter sees it.
const BUILD =
  (mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true }),
  mkdtempSync(join(ROOT, 'node_modules/.cache/autoalex-shutdown-')));
let discord: FakeDiscord;
let closeFakes: () => Promise<void>;
let work: string;

beforeAll(async () => {
  await exec(process.execPath, [
    join(ROOT, 'node_modules/typescript/bin/tsc'),
    '-p',
    join(ROOT, 'tsconfig.build.json'),
    '--outDir',
    join(BUILD, 'dist'),
  ]);
  work = mkdtempSync(join(BUILD, 'work-'));
}, 120_000);
afterAll(async () => {
  await closeFakes?.();
  rmSync(BUILD, { recursive: true, force: true });
});

describe('the production bot stopped while remixing', () => {
  it('tells each requester the remix stopped because the bot restarted, stops Demucs, closes the database and exits 0', async () => {
    const audioFile = join(work, 'track.flac');
    await synthStemTrack(audioFile, 4, -20);
    const audio = readFileSync(audioFile);
    const lib = generateLibrary({ artists: 2, albumsPerArtist: 1, tracksPerAlbum: 4, seed: 5 });
    const [first, second] = lib.tracks.slice(-2);
    for (const track of [first!, second!]) track.durationMs = 4000;
    discord = await startFakeDiscord();
    const tautulli = await startTautulliFake();
    const plex = await startPlexFake(lib, { partData: () => audio });
    closeFakes = async () => {
      await discord.stop();
      await tautulli.close();
      await plex.close();
    };
    const demucsLog = join(work, 'demucs.jsonl');
    const demucs = fakeDemucs(work, { mode: 'hang', log: demucsLog });
    const dataDir = join(work, 'config');
    mkdirSync(dataDir);
    const child = spawn(process.execPath, [join(BUILD, 'dist/src/index.js')], {
      cwd: work,
      env: {
        PATH: process.env.PATH ?? '',
        DISCORD_TOKEN: discord.token,
        DISCORD_API_URL: discord.restApi,
        TAUTULLI_URL: tautulli.url,
        TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
        PLEX_URL: plex.url,
        PLEX_TOKEN: plex.token,
        DATA_DIR: dataDir,
        DEMUCS_COMMAND: demucs.command,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const output: string[] = [];
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => output.push(line));
    const indexed = await waitFor(() => output.some((l) => l.includes('library index built')), 30_000);
    expect(indexed, `the bot did not start:\n${output.join('\n')}\n${stderr}`).toBe(true);

    const reduce = (ratingKey: string, user: object) =>
      discord.slashCommand({
        name: 'alex',
        subcommand: 'reduce',
        options: [
          { name: 'track', value: ratingKey, type: 3 },
          { name: 'stem', value: 'vocals', type: 3 },
        ],
        user,
      });
    const edits = (token: string) => (r: RecordedRequest) =>
      r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`);
    const separating = await reduce(first!.ratingKey, ALEX);
    await discord.waitForRequest(
      (r) => edits(separating.token)(r) && /Separating/.test(String(r.json?.content)),
      20_000,
    );
    const waiting = await reduce(second!.ratingKey, SAM);
    await discord.waitForRequest(
      (r) => edits(waiting.token)(r) && /Waiting for the current separation/.test(String(r.json?.content)),
      20_000,
    );
    const demucsPid = (JSON.parse(readFileSync(demucsLog, 'utf8').trim().split('\n')[0]!) as { pid: number })
      .pid;
    const database = join(dataDir, 'autoalex.db');
    // The store is open (the Plex monitor has used it): SQLite's write-ahead log exists until it is closed.
    expect(await waitFor(() => existsSync(`${database}-wal`), 10_000)).toBe(true);

    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    const stopped = await Promise.race([
      exited,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000)),
    ]);
    expect(stopped, `the bot did not exit cleanly:\n${stderr}`).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppedAt).toBeLessThan(10_000); // inside docker stop's grace period
    for (const token of [separating.token, waiting.token]) {
      const last = discord.requestsSince(0).filter(edits(token)).at(-1);
      expect(last?.json?.content).toContain('Stopped: the bot restarted, run it again.');
      expect(last?.json?.components ?? []).toEqual([]); // no Cancel button left on a dead job
    }
    // Demucs got SIGTERM when its job was aborted; it is gone moments later.
    expect(await waitFor(() => !isAlive(demucsPid), 5000)).toBe(true);
    expect(existsSync(database)).toBe(true);
    expect(existsSync(`${database}-wal`)).toBe(false); // closed: SQLite folded the log back in
    expect(output.join('\n')).toContain('shutting down');
    expect(stderr).toBe('');
  }, 90_000);
});

async function waitFor(probe: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
