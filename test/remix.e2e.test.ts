import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import type { Library, LibTrack } from '../fakes/library.ts';
import { peak, decodeMono, stemLevels } from './helpers/audio.ts';
import type { StemName } from './helpers/audio.ts';
import type { fakeDemucs } from './helpers/fake-demucs.ts';
import { startHarness } from './helpers/harness.ts';
import { remixFixture } from './helpers/remix-fixture.ts';
import type { Harness } from './helpers/harness.ts';

const ALEX = { id: '400000000000000001', username: 'alexd' };
const SAM = { id: '400000000000000002', username: 'samd' };
const SECONDS = 4;

let h: Harness;
let lib: Library;
let work: string;
let demucsLog: string;
let demucs: ReturnType<typeof fakeDemucs>;
/** Levels of the untouched synthetic track, the reference every remix is measured against. */
let original: Record<StemName, number>;
const tracks: LibTrack[] = [];

type Json = RecordedRequest['json'];

function demucsCalls(): number {
  return existsSync(demucsLog) ? readFileSync(demucsLog, 'utf8').trim().split('\n').length : 0;
}

async function remixCommand(
  subcommand: 'boost' | 'reduce',
  options: Record<string, string | number>,
  user: object = ALEX,
  extra: { attachmentSizeLimit?: number } = {},
) {
  return h.discord.slashCommand({
    name: 'alex',
    subcommand,
    options: Object.entries(options).map(([name, value]) => ({
      name,
      value,
      type: typeof value === 'number' ? 10 : 3,
    })),
    user,
    ...extra,
  });
}

const isFinal = (r: RecordedRequest) => r.files.length > 0 || /⚠️|✖️/.test(String(r.json?.content ?? ''));

/** The edit that ends a remix started by an interaction (slash or button): the MP3 or the reason. */
async function finalEdit(token: string, timeoutMs = 20_000): Promise<RecordedRequest> {
  return h.discord.waitForRequest(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`) && isFinal(r),
    timeoutMs,
  );
}

async function levelsOf(request: RecordedRequest): Promise<Record<StemName, number>> {
  const file = join(work, `${request.seq}.mp3`);
  await writeFile(file, request.files[0]!.data);
  return stemLevels(file);
}

/** Every stem but `moved` stayed within ±1 dB of the original; `moved` changed by `db` (±1). */
function expectRemixed(levels: Record<StemName, number>, moved: StemName, db: number): void {
  for (const stem of Object.keys(original) as StemName[]) {
    const change = levels[stem] - original[stem];
    if (stem !== moved) expect(Math.abs(change), `${stem} changed by ${change} dB`).toBeLessThan(1);
    else if (db <= -60) expect(change, `${stem} only ${change} dB down`).toBeLessThan(-50);
    else expect(Math.abs(change - db), `${stem} changed by ${change} dB`).toBeLessThan(1);
  }
}

function components(json: Json): Array<{ type: number; custom_id: string; label?: string; style?: number }> {
  return (json?.components ?? []).flatMap((row: { components: unknown[] }) => row.components);
}

function workFolders(): string[] {
  const root = join(h.config.dataDir, 'cache', 'work');
  return existsSync(root) ? readdirSync(root) : [];
}

beforeAll(async () => {
  const fixture = await remixFixture({ prefix: 'remix-e2e-', seconds: SECONDS, seed: 7, count: 8 });
  ({ work, demucsLog, demucs, original, lib } = fixture);
  const { audio } = fixture;
  tracks.push(...fixture.tracks);
  tracks[5]!.durationMs = 20 * 60_000;
  // A crash of an earlier run left a work folder and a half-written cache entry behind.
  const dataDir = await mkdtemp(join(tmpdir(), 'remix-data-'));
  mkdirSync(join(dataDir, 'cache', 'work', 'remix-crashed'), { recursive: true });
  mkdirSync(join(dataDir, 'cache', 'stems', 'abc.tmp-1234'), { recursive: true });
  h = await startHarness({
    library: lib,
    partData: () => audio,
    env: { DEMUCS_COMMAND: demucs.command, DATA_DIR: dataDir, REMIX_QUEUE_MAX: '2' },
  });
  await h.services.library.refresh();
  const served = await h.services.plex.metadata(tracks[0]!.ratingKey);
  if (served?.duration !== SECONDS * 1000) throw new Error('the Plex fake does not serve the test duration');
});
afterAll(() => h.stop());
beforeEach(() => demucs.set());

describe('/alex reduce and /alex boost', () => {
  it('clears what a crash left behind at start-up', () => {
    expect(workFolders()).toEqual([]);
    expect(readdirSync(join(h.config.dataDir, 'cache', 'stems'))).toEqual([]);
  });

  it('defers, shows progress with a Cancel button, and answers with the MP3: vocals −60 dB, the rest unchanged', async () => {
    demucs.set({ stepMs: 100 });
    const calls = demucsCalls();
    const interaction = await remixCommand('reduce', { track: tracks[0]!.ratingKey, stem: 'vocals' });
    expect((await h.discord.waitForCallback(interaction.id)).json.type).toBe(5);
    const final = await finalEdit(interaction.token);
    const progress = h.discord.requests.filter(
      (r) => r.path.endsWith(`/${interaction.token}/messages/@original`) && r.seq < final.seq,
    );
    expect(progress.some((r) => /Separating the stems with Demucs… .* \d+ %/.test(r.json?.content))).toBe(
      true,
    );
    expect(progress.some((r) => components(r.json).some((c) => c.label === 'Cancel'))).toBe(true);
    expect(progress.at(-1)?.json.content).toMatch(/⬆️ Uploading the MP3 \(\d+ KiB\)…$/);
    expect(final.json.content).toContain('**vocals −60 dB** · MP3 320 kbps');
    expect(final.json.content).toContain(`Remixed for <@${ALEX.id}>.`);
    expect(final.files[0]!.name).toMatch(/\(vocals -60 dB\)\.mp3$/);
    expect(components(final.json)[0]!.custom_id).toMatch(/^remix:stem:/);
    expectRemixed(await levelsOf(final), 'vocals', -60);
    const { samples } = await decodeMono(join(work, `${final.seq}.mp3`));
    expect(peak(samples)).toBeLessThan(0.95);
    expect(demucsCalls()).toBe(calls + 1);
    const call = JSON.parse(readFileSync(demucsLog, 'utf8').trim().split('\n').at(-1)!) as { argv: string[] };
    expect(call.argv).toEqual(expect.arrayContaining(['-n', 'htdemucs_ft', '-d', 'cpu', '--int24']));
    expect(workFolders()).toEqual([]);
  });

  it('remixes again from the cached stems without running Demucs: bass +4 dB from the menu under the MP3', async () => {
    const calls = demucsCalls();
    const first = await remixCommand('reduce', { track: tracks[0]!.ratingKey, stem: 'drums' });
    const result = await finalEdit(first.token);
    expect(result.json.content).toContain('from cached stems');
    const message = [...h.discord.messages.values()].find((m) => m.interaction_metadata?.id === first.id);
    const menu = components(result.json)[0]!;
    const pick = await h.discord.stringSelect(menu.custom_id, ['bass'], {
      messageId: message?.id,
      user: SAM,
    });
    const wizard = await h.discord.waitForRequest(
      (r) => r.method === 'POST' && r.path.endsWith(`/${pick.token}`),
    );
    expect(wizard.json.content).toContain('turn the **bass** up or down');
    const boost = components(wizard.json).find((c) => c.label === 'Boost bass +4 dB')!;
    const wizardMessage = [...h.discord.messages.values()].find((m) => m.content === wizard.json.content);
    const press = await h.discord.button(boost.custom_id, { messageId: wizardMessage?.id, user: SAM });
    const final = await finalEdit(press.token);
    expect(final.json.content).toContain('**bass +4 dB**');
    expect(final.json.content).toContain(`Remixed for <@${SAM.id}> from cached stems.`);
    expectRemixed(await levelsOf(final), 'bass', 4);
    expect(demucsCalls()).toBe(calls);
  });

  it('asks for the stem with a menu, then offers Boost and Reduce (the wizard)', async () => {
    const interaction = await remixCommand('boost', { track: tracks[0]!.ratingKey });
    const ask = await h.discord.waitForRequest(
      (r) => r.method === 'PATCH' && r.path.endsWith(`/${interaction.token}/messages/@original`),
    );
    expect(ask.json.content).toContain('which part of the track should change?');
    const message = [...h.discord.messages.values()].find(
      (m) => m.interaction_metadata?.id === interaction.id,
    );
    const select = await h.discord.stringSelect(components(ask.json)[0]!.custom_id, ['drums'], {
      messageId: message?.id,
    });
    const buttons = await h.discord.waitForRequest(
      (r) => r.method === 'PATCH' && r.path.endsWith(`/${select.token}/messages/@original`),
    );
    const [boost, reduce] = components(buttons.json).filter((c) => c.type === 2);
    expect(boost).toMatchObject({ label: 'Boost drums +4 dB', style: 1 });
    expect(reduce).toMatchObject({ label: 'Reduce drums −60 dB', style: 2 });
    const press = await h.discord.button(reduce!.custom_id, { messageId: message?.id });
    const final = await finalEdit(press.token);
    expectRemixed(await levelsOf(final), 'drums', -60);
  });

  it('works as a text command: !alex boost vocals <track>', async () => {
    const sent = await h.discord.userMessage(`!alex boost vocals ${tracks[0]!.title}`, { user: ALEX });
    const final = await h.discord.waitForRequest(
      (r) =>
        r.files.length > 0 &&
        (r.json?.message_reference?.message_id === sent.id ||
          [...h.discord.messages.values()].some(
            (m) => r.path.endsWith(`/messages/${m.id}`) && m.message_reference?.message_id === sent.id,
          )),
      20_000,
    );
    expect(final.json.content).toContain('**vocals +4 dB**');
    expectRemixed(await levelsOf(final), 'vocals', 4);
  });

  it('steps the bitrate down to fit a small upload limit, and says clearly when even 128 kbps is too big', async () => {
    const limit = 110_000;
    const fits = await remixCommand('reduce', { track: tracks[0]!.ratingKey, stem: 'other', db: 20 }, ALEX, {
      attachmentSizeLimit: limit,
    });
    const final = await finalEdit(fits.token);
    const kbps = Number(/MP3 (\d+) kbps/.exec(final.json.content)?.[1]);
    expect(kbps).toBeLessThanOrEqual(192);
    expect(kbps).toBeGreaterThanOrEqual(128);
    expect(final.json.content).toContain('lowered to fit Discord’s upload limit');
    expect(final.files[0]!.size).toBeLessThanOrEqual(limit);
    expectRemixed(await levelsOf(final), 'other', -20);

    const tooSmall = await remixCommand('reduce', { track: tracks[0]!.ratingKey, stem: 'other' }, ALEX, {
      attachmentSizeLimit: 40_000,
    });
    const refused = await finalEdit(tooSmall.token);
    expect(refused.json.content).toMatch(/would not fit in Discord: .* is 0:04 long, and even at 128 kbps/);
    expect(refused.files).toEqual([]);
  });

  it('lets only the requester cancel, then stops Demucs and leaves nothing behind', async () => {
    demucs.set({ mode: 'hang' });
    const interaction = await remixCommand('reduce', { track: tracks[1]!.ratingKey, stem: 'vocals' });
    const withCancel = await h.discord.waitForRequest(
      (r) =>
        r.path.endsWith(`/${interaction.token}/messages/@original`) &&
        /Separating/.test(r.json?.content ?? '') &&
        components(r.json).some((c) => c.label === 'Cancel'),
      10_000,
    );
    const cancel = components(withCancel.json).find((c) => c.label === 'Cancel')!;
    const message = [...h.discord.messages.values()].find(
      (m) => m.interaction_metadata?.id === interaction.id,
    );
    const stranger = await h.discord.button(cancel.custom_id, { messageId: message?.id, user: SAM });
    const refused = await h.discord.waitForRequest(
      (r) => r.method === 'POST' && r.path.endsWith(`/${stranger.token}`),
    );
    expect(refused.json.content).toBe('Only the person who asked for this remix can cancel it.');
    const pid = (JSON.parse(readFileSync(demucsLog, 'utf8').trim().split('\n').at(-1)!) as { pid: number })
      .pid;
    await h.discord.button(cancel.custom_id, { messageId: message?.id, user: ALEX });
    const final = await finalEdit(interaction.token);
    expect(final.json.content).toContain('✖️ Remix cancelled.');
    expect(components(final.json)).toEqual([]);
    await expect.poll(() => isAlive(pid), { timeout: 8000 }).toBe(false);
    await expect.poll(workFolders).toEqual([]);
  });

  it('merges identical requests into one separation', async () => {
    demucs.set({ stepMs: 30 });
    const calls = demucsCalls();
    const a = await remixCommand('reduce', { track: tracks[2]!.ratingKey, stem: 'vocals' }, ALEX);
    const b = await remixCommand('boost', { track: tracks[2]!.ratingKey, stem: 'drums' }, SAM);
    const [finalA, finalB] = await Promise.all([finalEdit(a.token), finalEdit(b.token)]);
    expect(demucsCalls()).toBe(calls + 1);
    expectRemixed(await levelsOf(finalA), 'vocals', -60);
    expectRemixed(await levelsOf(finalB), 'drums', 4);
  });

  // Two htdemucs_ft separations one after the other: about 12 s alone, more on a loaded 2-core machine.
  it(
    'shows the queue position to a second track waiting behind a separation',
    { timeout: 45_000 },
    async () => {
      // Progress edits come at most every 2.5 s: the first separation must outlast that.
      demucs.set({ stepMs: 120 });
      const a = await remixCommand('reduce', { track: tracks[3]!.ratingKey, stem: 'vocals' }, ALEX);
      const b = await remixCommand('reduce', { track: tracks[4]!.ratingKey, stem: 'vocals' }, SAM);
      // The first progress edit may come 2.5 s after the start, later on a loaded machine.
      await h.discord.waitForRequest(
        (r) =>
          r.path.endsWith(`/${b.token}/messages/@original`) &&
          /Waiting for the current separation to finish/.test(r.json?.content ?? ''),
        15_000,
      );
      await Promise.all([finalEdit(a.token), finalEdit(b.token)]);
    },
  );

  it('refuses tracks over the length limit, unknown tracks and gains out of bounds, clearly', async () => {
    const long = await remixCommand('reduce', { track: tracks[5]!.ratingKey, stem: 'vocals' });
    expect((await followUp(long.token)).content).toMatch(
      /is 20:00 long; remixes are limited to tracks of 15:00 or less/,
    );
    const unknown = await remixCommand('reduce', { track: 'No Such Song Anywhere', stem: 'vocals' });
    expect((await followUp(unknown.token)).content).toBe(
      'There is no track named “No Such Song Anywhere” on this server. Start typing its title and pick it from the list.',
    );
    const loud = await remixCommand('boost', { track: tracks[0]!.ratingKey, stem: 'bass', db: 30 });
    expect((await followUp(loud.token)).content).toBe('A boost can be from +1 to +12 dB (default +4).');
  });

  it('says what went wrong when Demucs fails, and cleans up', async () => {
    demucs.set({ mode: 'crash' });
    const crash = await remixCommand('reduce', { track: tracks[6]!.ratingKey, stem: 'bass' });
    const final = await finalEdit(crash.token);
    expect(final.json.content).toMatch(
      /⚠️ Demucs could not separate this track \(it exited with code 1: “RuntimeError: Couldn't find appropriate backend/,
    );
    expect(h.logs()).toMatch(/demucs failed/);
    expect(workFolders()).toEqual([]);
  });
});

describe('a remix that outlives the 15-minute interaction token', () => {
  it('is posted in the channel, mentioning the requester', async () => {
    demucs.set({ stepMs: 60 });
    const short = await startHarness({
      library: lib,
      partData: () => readFileSync(join(work, 'track.flac')),
      discord: { tokenLifetimeMs: 1500 },
      env: { DEMUCS_COMMAND: demucs.command },
    });
    try {
      await short.services.library.refresh();
      const interaction = await reduceVocalsIn(short, tracks[7]!);
      const posted = await short.discord.waitForRequest(
        (r) =>
          r.method === 'POST' &&
          r.path === `/channels/${short.discord.channelId}/messages` &&
          r.files.length > 0,
        20_000,
      );
      expect(posted.json.content).toMatch(new RegExp(`^<@${ALEX.id}> 🎛️ .*\\*\\*vocals −60 dB\\*\\*`));
      expect(posted.json.allowed_mentions).toEqual({ users: [ALEX.id], replied_user: false });
      expect(interaction.token).toBeTruthy();
      expectRemixed(await levelsOf(posted), 'vocals', -60);
    } finally {
      await short.stop();
    }
  });
});

describe('what Demucs and ffmpeg are given', () => {
  /** An ffmpeg that records each call (argv, env, start and end) and runs the real one. */
  function recordingFfmpeg(log: string): string {
    const real = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string };
    const script = join(work, `ffmpeg-recorder-${Date.now()}.mjs`);
    writeFileSync(
      script,
      `#!${process.execPath}
import { appendFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
const start = Date.now();
const child = spawn(${JSON.stringify(real.path)}, process.argv.slice(2), { stdio: 'inherit' });
child.on('exit', (code) => {
  appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), env: process.env, start, end: Date.now() }) + '\\n');
  process.exit(code ?? 1);
});
`,
    );
    chmodSync(script, 0o755);
    return script;
  }

  it('gives them a minimal environment: none of the bot’s tokens or keys, and mixes at most REMIX_MIX_CONCURRENCY at once', async () => {
    const ffmpegLog = join(work, 'ffmpeg.jsonl');
    const other = await startHarness({
      library: lib,
      partData: () => readFileSync(join(work, 'track.flac')),
      discogs: true,
      env: {
        DEMUCS_COMMAND: demucs.command,
        FFMPEG_PATH: recordingFfmpeg(ffmpegLog),
        REMIX_MIX_CONCURRENCY: '1',
        REMIX_QUEUE_MAX: '5',
      },
    });
    try {
      await other.services.library.refresh();
      const first = await reduceVocalsIn(other, tracks[7]!);
      await other.discord.waitForRequest(
        (r) => r.method === 'PATCH' && r.path.endsWith(`/${first.token}/messages/@original`) && isFinal(r),
        20_000,
      );
      // Three remixes of the now cached stems at once: without a bound, three ffmpeg mix together.
      const users = [ALEX, SAM, { id: '400000000000000003', username: 'kimd' }];
      const again = await Promise.all(
        (['drums', 'bass', 'other'] as const).map((stem, i) =>
          other.discord.slashCommand({
            name: 'alex',
            subcommand: 'boost',
            options: [
              { name: 'track', value: tracks[7]!.ratingKey, type: 3 },
              { name: 'stem', value: stem, type: 3 },
            ],
            user: users[i],
          }),
        ),
      );
      for (const interaction of again) {
        const final = await other.discord.waitForRequest(
          (r) =>
            r.method === 'PATCH' && r.path.endsWith(`/${interaction.token}/messages/@original`) && isFinal(r),
          20_000,
        );
        expect(final.files).toHaveLength(1);
      }
      const secrets = [other.config.discord.token, other.config.plex.token, other.config.tautulli.apiKey];
      secrets.push(other.config.discogs.token);
      const names = ['DISCORD_TOKEN', 'PLEX_TOKEN', 'TAUTULLI_API_KEY', 'DISCOGS_TOKEN'];
      const ffmpegCalls = readFileSync(ffmpegLog, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Call);
      const demucsCall = JSON.parse(readFileSync(demucsLog, 'utf8').trim().split('\n').at(-1)!) as Call;
      for (const call of [demucsCall, ...ffmpegCalls]) {
        expect(call.env.PATH).toBeTruthy();
        for (const name of names) expect(call.env).not.toHaveProperty(name);
        const values = JSON.stringify(call.env);
        for (const secret of secrets) expect(values).not.toContain(secret!);
      }
      const mixes = ffmpegCalls.filter((c) => c.argv.includes('libmp3lame'));
      expect(mixes).toHaveLength(4);
      const overlapping = Math.max(
        ...mixes.map((m) => mixes.filter((o) => o.start < m.end && m.start < o.end).length),
      );
      expect(overlapping).toBe(1);
    } finally {
      await other.stop();
    }
  });
});

type Call = { argv: string[]; env: Record<string, string>; start: number; end: number };

describe('without Demucs installed', () => {
  it('answers that remix is not installed, and tells the admin in the log', async () => {
    const other = await startHarness({
      library: lib,
      partData: () => Buffer.from('x'),
      env: { DEMUCS_COMMAND: '/nonexistent/demucs' },
    });
    try {
      await other.services.library.refresh();
      const interaction = await reduceVocalsIn(other, tracks[7]!);
      const final = await other.discord.waitForRequest(
        (r) =>
          r.method === 'PATCH' && r.path.endsWith(`/${interaction.token}/messages/@original`) && isFinal(r),
      );
      expect(final.json.content).toContain(
        'AI remix is not installed on this server (Demucs was not found). An admin needs to install Demucs',
      );
      expect(other.logs()).toMatch(/demucs not found: install it/);
    } finally {
      await other.stop();
    }
  });
});

/** `/alex reduce` of a track's vocals, sent to another harness than the shared one. */
function reduceVocalsIn(harness: Harness, track: LibTrack) {
  return harness.discord.slashCommand({
    name: 'alex',
    subcommand: 'reduce',
    options: [
      { name: 'track', value: track.ratingKey, type: 3 },
      { name: 'stem', value: 'vocals', type: 3 },
    ],
    user: ALEX,
  });
}

async function followUp(token: string): Promise<{ content: string }> {
  return (
    await h.discord.waitForRequest(
      (r) =>
        (r.method === 'POST' && r.path.endsWith(`/${token}`)) ||
        (r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`) && isFinal(r)),
    )
  ).json as { content: string };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
