import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_END, BLOCK_START } from '../src/services/credits/summary-block.ts';
import { startFakeDiscord } from '../fakes/discord/index.ts';
import type { FakeDiscord } from '../fakes/discord/index.ts';
import { FAKE_DISCOGS_TOKEN, startDiscogsFake } from '../fakes/discogs.ts';
import type { DiscogsFake } from '../fakes/discogs.ts';
import { generateLibrary } from '../fakes/library.ts';
import type { LibAlbum } from '../fakes/library.ts';
import { startMusicBrainzFake } from '../fakes/musicbrainz.ts';
import type { MusicBrainzFake } from '../fakes/musicbrainz.ts';
import { startPlexFake } from '../fakes/plex.ts';
import type { PlexFake } from '../fakes/plex.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';
import type { TautulliFake } from '../fakes/tautulli.ts';

// The production process (`node dist/src/index.js`, built with the build's tsconfig) killed with SIGKILL at
// the worst moment of an enrich: Plex has taken the new summary, its answer has not arrived, so the bot
// has not gone past the write. A new process must still be able to undo it.

const ROOT = new URL('..', import.meta.url).pathname;
const ADMIN_ROLE_ID = '990000000000000001';
const ADMIN = { id: '700000000000000001', username: 'owner', admin: true };
const ORIGINAL = 'Recorded in one session at Van Gelder Studio.';

let work: string;
let dist: string;
let discord: FakeDiscord;
let tautulli: TautulliFake;
let plex: PlexFake;
let musicbrainz: MusicBrainzFake;
let discogs: DiscogsFake;
let album: LibAlbum;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'autoalex-crash-'));
  // Inside node_modules/.cache so the built files resolve this checkout's node_modules.
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  dist = mkdtempSync(join(ROOT, 'node_modules/.cache/autoalex-crash-'));
  const built = await new Promise<{ code: number; output: string }>((resolve) =>
    execFile(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', dist],
      { cwd: ROOT },
      (error, stdout, stderr) => resolve({ code: error ? 1 : 0, output: stdout + stderr }),
    ),
  );
  expect(built.code, built.output).toBe(0);
  const lib = generateLibrary({ artists: 3, albumsPerArtist: 1, tracksPerAlbum: 4, seed: 41 });
  album = lib.albums[0]!;
  // Kind of Blue: on the MusicBrainz and Discogs fakes, found by search.
  Object.assign(album, {
    title: 'Kind of Blue',
    artistTitle: 'Miles Davis',
    summary: ORIGINAL,
    trackCount: 5,
  });
  Object.assign(lib.byKey.get(album.artistKey)!, { title: 'Miles Davis' });
  discord = await startFakeDiscord({ adminRoleId: ADMIN_ROLE_ID });
  tautulli = await startTautulliFake(FAKE_TAUTULLI_API_KEY);
  plex = await startPlexFake(lib);
  musicbrainz = await startMusicBrainzFake();
  discogs = await startDiscogsFake();
}, 180_000);

afterAll(async () => {
  await discord?.stop();
  await tautulli?.close();
  await plex?.close();
  await musicbrainz?.close();
  await discogs?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  if (dist) rmSync(dist, { recursive: true, force: true });
});

async function startBot(): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [join(dist, 'src/index.js')], {
    cwd: work,
    env: {
      PATH: process.env.PATH,
      DISCORD_TOKEN: discord.token,
      DISCORD_CLIENT_ID: discord.applicationId,
      DISCORD_API_URL: discord.restApi,
      ADMIN_ROLE_ID,
      TAUTULLI_URL: tautulli.url,
      TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
      PLEX_URL: plex.url,
      PLEX_TOKEN: plex.token,
      MUSICBRAINZ_URL: musicbrainz.url,
      MUSICBRAINZ_RATE_LIMIT: 'off',
      DISCOGS_URL: discogs.url,
      DISCOGS_TOKEN: FAKE_DISCOGS_TOKEN,
      DATA_DIR: join(work, 'config'),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const output: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (!line.includes('library index built')) return;
      clearTimeout(timer);
      resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  expect(ready, `the bot did not start:\n${output.join('\n')}`).toBe(true);
  return { child, exited };
}

async function enrich(options: Array<{ name: string; type: number; value: string | boolean }>) {
  const interaction = await discord.slashCommand({
    name: 'alex',
    subcommand: 'enrich',
    options,
    user: ADMIN,
  });
  const answer = await discord.waitForRequest(
    (r) =>
      (r.method === 'PATCH' &&
        r.path.endsWith(`/${interaction.token}/messages/@original`) &&
        r.json?.content !== 'Looking up credits…') ||
      (r.method === 'POST' && r.path.endsWith(`/${interaction.token}`)),
    15_000,
  );
  const message = [...discord.messages.values()].find((m) => m.interaction_metadata?.id === interaction.id);
  return { json: answer.json, messageId: message?.id };
}

const summaryEdits = () => plex.edits.filter((e) => e.field === 'summary' && e.ratingKey === album.ratingKey);

describe('SIGKILL between the Plex summary write and its answer', () => {
  it('still lets a new process undo the write, back to the original summary', async () => {
    const first = await startBot();
    let killed = false;
    try {
      const preview = await enrich([{ name: 'album', type: 3, value: album.ratingKey }]);
      const credits = preview.json.embeds[0].description as string;
      expect(credits).toContain('Miles Davis: Trumpet');
      // Plex applies the summary, and its answer never arrives: the bot is killed while waiting for it.
      plex.failureFor = (req) => (req.method === 'PUT' ? { kind: 'lost-answer' } : undefined);
      await discord.button(preview.json.components[0].components[0].custom_id, {
        messageId: preview.messageId,
        user: ADMIN,
      });
      for (let i = 0; i < 200 && summaryEdits().length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 25));
      first.child.kill('SIGKILL');
      killed = true;
      await first.exited;
      expect(album.summary).toBe(`${ORIGINAL}\n\n${BLOCK_START}\n${credits}\n${BLOCK_END}`);
    } finally {
      plex.failureFor = undefined;
      if (!killed) first.child.kill('SIGKILL');
    }

    const second = await startBot();
    try {
      const undo = await enrich([
        { name: 'album', type: 3, value: album.ratingKey },
        { name: 'undo', type: 5, value: true },
      ]);
      expect(undo.json.content).toBe(
        '↩️ The summary of “Kind of Blue” is back to what it was before Autoalex.',
      );
      expect(album.summary).toBe(ORIGINAL);
      expect(summaryEdits().at(-1)).toMatchObject({ value: ORIGINAL });
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
    }
  }, 120_000);
});
