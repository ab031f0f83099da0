// The CPU preview (issue 21): a short excerpt separated with htdemucs first and delivered in the remix's
// message, then replaced by the full remix. Real bot, fake Discord, fake Plex, the fake Demucs through its
// CLI contract and real ffmpeg.
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import { generateLibrary } from '../fakes/library.ts';
import type { Library, LibTrack } from '../fakes/library.ts';
import { decodeMono, runFfmpeg, stemLevels, synthStemTrack } from './helpers/audio.ts';
import { FAKE_DEMUCS, fakeDemucs } from './helpers/fake-demucs.ts';
import { startHarness } from './helpers/harness.ts';
import type { Harness } from './helpers/harness.ts';

const ALEX = { id: '400000000000000001', username: 'alexd' };
/** The track: 6 s quiet, 3 s loud (16 dB up), 3 s quiet; the preview is 3 s, so its loudest window is 0:06–0:09. */
const SECONDS = 12;
const QUIET_DB = -32;
const LOUD_DB = -16;
const PREVIEW_S = '3';

let h: Harness;
let lib: Library;
let work: string;
let audio: Buffer;
let demucs: ReturnType<typeof fakeDemucs>;
let callLog: string;
const tracks: LibTrack[] = [];

/**
 * The bot's DEMUCS_COMMAND: records each call's argv, then runs the fake Demucs. `gpu` lets `-d cuda` run
 * (the fake, like Demucs on a machine without CUDA, would refuse it); `hangFull` makes the full track's
 * separation (htdemucs_ft) hang until it is killed, so a test can cancel after the preview.
 */
function demucsWrapper(name: string, options: { gpu?: boolean; hangFull?: boolean } = {}): string {
  const script = join(work, `${name}.mjs`);
  writeFileSync(
    script,
    `#!${process.execPath}
import { appendFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
const argv = process.argv.slice(2);
appendFileSync(${JSON.stringify(callLog)}, JSON.stringify(argv) + '\\n');
const full = argv.includes('htdemucs_ft');
const env = { ...process.env, FAKE_DEMUCS_CONTROL: ${JSON.stringify(join(work, 'fake-demucs-control.json'))} };
if (${Boolean(options.hangFull)} && full) env.FAKE_DEMUCS_MODE = 'hang';
const args = ${Boolean(options.gpu)} ? argv.map((a) => (a === 'cuda' ? 'cpu' : a)) : argv;
const child = spawn(process.execPath, [${JSON.stringify(FAKE_DEMUCS)}, ...args], { stdio: 'inherit', env });
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 1));
`,
  );
  chmodSync(script, 0o755);
  return script;
}

function calls(): string[][] {
  return existsSync(callLog)
    ? readFileSync(callLog, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as string[])
    : [];
}
const modelOf = (argv: string[]) => argv[argv.indexOf('-n') + 1];

function remix(harness: Harness, track: LibTrack, options: Record<string, string> = {}) {
  const all = { track: track.ratingKey, stem: 'vocals', ...options };
  return harness.discord.slashCommand({
    name: 'alex',
    subcommand: 'reduce',
    options: Object.entries(all).map(([name, value]) => ({ name, value, type: 3 })),
    user: ALEX,
  });
}

const onOriginal = (token: string) => (r: RecordedRequest) =>
  r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`);
const isPreview = (r: RecordedRequest) => r.files.some((f) => f.name.includes('preview'));
const isFinal = (r: RecordedRequest) =>
  (r.files.length > 0 && !isPreview(r)) || /⚠️|✖️/.test(String(r.json?.content ?? ''));

function finalEdit(harness: Harness, token: string, timeoutMs = 30_000) {
  return harness.discord.waitForRequest((r) => onOriginal(token)(r) && isFinal(r), timeoutMs);
}

function components(json: RecordedRequest['json']): Array<{ custom_id: string; label?: string }> {
  return (json?.components ?? []).flatMap((row: { components: unknown[] }) => row.components);
}

async function seconds(file: { data: Buffer }, name: string): Promise<number> {
  const path = join(work, name);
  await writeFile(path, file.data);
  const { samples, sampleRate } = await decodeMono(path);
  return samples.length / sampleRate;
}

async function levels(file: { data: Buffer }, name: string) {
  const path = join(work, name);
  await writeFile(path, file.data);
  return stemLevels(path);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'remix-preview-'));
  callLog = join(work, 'calls.jsonl');
  demucs = fakeDemucs(work, { stepMs: 5 });
  const parts = [
    [6, QUIET_DB],
    [3, LOUD_DB],
    [3, QUIET_DB],
  ] as const;
  const files = [];
  for (const [i, [length, db]] of parts.entries()) {
    files.push(join(work, `part-${i}.wav`));
    await synthStemTrack(files[i]!, length, db);
  }
  const track = join(work, 'track.flac');
  const inputs = files.flatMap((f) => ['-i', f]);
  const concat = '[0][1][2]concat=n=3:v=0:a=1';
  await runFfmpeg([...inputs, '-filter_complex', concat, '-c:a', 'flac', '-sample_fmt', 's16', '-y', track]);
  audio = readFileSync(track);
  lib = generateLibrary({ artists: 3, albumsPerArtist: 1, tracksPerAlbum: 4, seed: 11 });
  tracks.push(...lib.tracks.slice(-8));
  for (const t of tracks) t.durationMs = SECONDS * 1000;
  h = await startHarness({
    library: lib,
    partData: () => audio,
    env: { DEMUCS_COMMAND: demucsWrapper('demucs'), REMIX_PREVIEW_SECONDS: PREVIEW_S },
  });
  await h.services.library.refresh();
});
afterAll(() => h?.stop());
beforeEach(() => demucs.set());

// Two separations and two mixes per remix: seconds alone, more on a loaded 2-core machine.
describe('the CPU preview', { timeout: 45_000 }, () => {
  it('delivers the loudest 3 s first, labelled with its range, then the full remix in the same message', async () => {
    const before = calls().length;
    const interaction = await remix(h, tracks[0]!);
    const final = await finalEdit(h, interaction.token);
    const preview = h.discord.requests.find(
      (r) => onOriginal(interaction.token)(r) && isPreview(r) && r.seq < final.seq,
    );
    expect(preview, 'no edit carried the preview').toBeDefined();
    // The honest first label: htdemucs_ft was never timed on this server.
    expect(preview!.json.content).toContain(
      '🎧 **Preview (0:06–0:09)** — full track next (not timed on this server yet with htdemucs_ft)',
    );
    expect(components(preview!.json).map((c) => c.label)).toContain('Cancel');
    expect(preview!.files[0]!.name).toMatch(/\(vocals -60 dB, preview 0_06-0_09\)\.mp3$/);
    expect(await seconds(preview!.files[0]!, 'preview.mp3')).toBeCloseTo(3, 0);
    // The loud part, vocals removed: the excerpt really is 0:06–0:09 of the track.
    const heard = await levels(preview!.files[0]!, 'preview-levels.mp3');
    expect(heard.drums).toBeCloseTo(LOUD_DB, 0);
    expect(heard.vocals).toBeLessThan(LOUD_DB - 45);

    expect(final.files).toHaveLength(1);
    expect(final.files[0]!.name).toMatch(/\(vocals -60 dB\)\.mp3$/);
    expect(await seconds(final.files[0]!, 'full.mp3')).toBeCloseTo(SECONDS, 0);
    expect(final.json.content).toContain('**vocals −60 dB** · MP3 320 kbps');
    // The same message, which ends with the full remix only.
    const message = [...h.discord.messages.values()].find(
      (m) => m.interaction_metadata?.id === interaction.id,
    );
    expect(message?.attachments.map((a: { filename: string }) => a.filename)).toEqual([final.files[0]!.name]);

    const made = calls().slice(before);
    expect(made.map(modelOf)).toEqual(['htdemucs', 'htdemucs_ft']);
    // Both separations are cached, the preview under its own key with its excerpt and model.
    const root = join(h.config.dataDir, 'cache', 'stems');
    const metas = readdirSync(root).map(
      (entry) => JSON.parse(readFileSync(join(root, entry, 'meta.json'), 'utf8')) as Record<string, unknown>,
    );
    expect(metas).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ model: 'htdemucs', excerpt: { startS: 6, lengthS: 3 } }),
        expect.objectContaining({ model: 'htdemucs_ft', ratingKey: tracks[0]!.ratingKey }),
      ]),
    );
    // The separation speed is remembered, per model, in the settings table.
    const stored = JSON.parse(h.services.store.getSetting('remix.throughput.htdemucs_ft') ?? '{}');
    expect(stored.runs).toBe(1);
    expect(stored.secondsPerSecond).toBeGreaterThan(0);
    expect(h.services.store.getSetting('remix.throughput.htdemucs')).toBeDefined();
  });

  it('remixes cached full stems at once, without a preview', async () => {
    const before = calls().length;
    const interaction = await remix(h, tracks[0]!, { stem: 'drums' });
    const final = await finalEdit(h, interaction.token);
    expect(final.json.content).toContain('from cached stems');
    expect(h.discord.requests.some((r) => onOriginal(interaction.token)(r) && isPreview(r))).toBe(false);
    expect(calls().length).toBe(before);
  });

  it('starts the preview at start: (after a timed run, with the time the full track takes), and answers a start it cannot use clearly', async () => {
    const interaction = await remix(h, tracks[1]!, { start: '0:01' });
    const final = await finalEdit(h, interaction.token);
    const preview = h.discord.requests.find((r) => onOriginal(interaction.token)(r) && isPreview(r));
    // htdemucs_ft was timed by the first remix on this server: the label now gives a time.
    expect(preview?.json.content).toMatch(/\*\*Preview \(0:01–0:04\)\*\* — full track in ~\d+ min\n/);
    // From the quiet part this time.
    expect((await levels(preview!.files[0]!, 'start-levels.mp3')).drums).toBeCloseTo(QUIET_DB, 0);
    expect(final.files[0]!.name).toMatch(/\(vocals -60 dB\)\.mp3$/);

    const before = calls().length;
    const malformed = await remix(h, tracks[2]!, { start: '1:75' });
    const refused = await h.discord.waitForRequest(
      (r) => r.method === 'POST' && r.path.endsWith(`/${malformed.token}`),
    );
    expect(refused.json.content).toBe(
      '`start` must be a time in the track, such as 1:30 or 90 (seconds); “1:75” is not one.',
    );
    const late = await remix(h, tracks[2]!, { start: '5:00' });
    const tooLate = await finalEdit(h, late.token);
    expect(tooLate.json.content).toContain(
      `⚠️ \`start\` 5:00 is past the end of “${tracks[2]!.title}”, which is 0:12 long.`,
    );
    expect(calls().length).toBe(before);
  });

  it('cancelling during the preview cancels the whole request; meanwhile the request holds its one waiting job', async () => {
    demucs.set({ mode: 'hang' });
    const before = calls().length;
    const interaction = await remix(h, tracks[3]!);
    const shown = await h.discord.waitForRequest(
      (r) =>
        onOriginal(interaction.token)(r) &&
        /Separating/.test(r.json?.content ?? '') &&
        components(r.json).some((c) => c.label === 'Cancel'),
      15_000,
    );
    expect(shown.json.content).toContain('🧠 Separating a 3-second preview (0:06–0:09) first…');
    // The full track waits in the queue behind its preview: the same user's next track is refused.
    const second = await remix(h, tracks[7]!);
    expect((await finalEdit(h, second.token)).json.content).toContain(
      '⚠️ You already have a remix waiting in the queue.',
    );
    const cancel = components(shown.json).find((c) => c.label === 'Cancel')!;
    const message = [...h.discord.messages.values()].find(
      (m) => m.interaction_metadata?.id === interaction.id,
    );
    await h.discord.button(cancel.custom_id, { messageId: message?.id, user: ALEX });
    const final = await finalEdit(h, interaction.token);
    expect(final.json.content).toContain('✖️ Remix cancelled.');
    expect(final.files).toEqual([]);
    // The full track left the queue with its preview: the next track is taken, and only the preview's
    // separation of the cancelled request ever ran.
    demucs.set();
    const again = await remix(h, tracks[7]!);
    expect((await finalEdit(h, again.token)).files[0]!.name).toMatch(/\(vocals -60 dB\)\.mp3$/);
    expect(calls().slice(before).map(modelOf)).toEqual(['htdemucs', 'htdemucs', 'htdemucs_ft']);
  });
});

describe('the preview’s time estimate', { timeout: 45_000 }, () => {
  it('comes from the speed measured on this server, remembered across a restart', async () => {
    // A speed remembered by an earlier run: 30 s per second of audio → 12 s of audio takes 6 minutes.
    h.services.store.setSetting(
      'remix.throughput.htdemucs_ft',
      JSON.stringify({ secondsPerSecond: 30, runs: 3 }),
    );
    const restarted = await startHarness({
      library: lib,
      partData: () => audio,
      env: {
        DEMUCS_COMMAND: demucsWrapper('demucs-restarted'),
        REMIX_PREVIEW_SECONDS: PREVIEW_S,
        DATA_DIR: h.config.dataDir,
      },
    });
    try {
      await restarted.services.library.refresh();
      const interaction = await remix(restarted, tracks[4]!);
      const final = await finalEdit(restarted, interaction.token);
      const preview = restarted.discord.requests.find(
        (r) => onOriginal(interaction.token)(r) && isPreview(r),
      );
      expect(preview?.json.content).toContain('🎧 **Preview (0:06–0:09)** — full track in ~6 min');
      expect(final.files).toHaveLength(1);
      // This run's own measurement moved the remembered figure (smoothed, not replaced).
      const stored = JSON.parse(restarted.services.store.getSetting('remix.throughput.htdemucs_ft') ?? '{}');
      expect(stored.runs).toBe(4);
      expect(stored.secondsPerSecond).toBeLessThan(30);
      expect(stored.secondsPerSecond).toBeGreaterThan(15);
    } finally {
      await restarted.stop();
    }
  });
});

describe('when no preview is made', { timeout: 45_000 }, () => {
  it('goes straight to the full track on a GPU (DEMUCS_DEVICE=cuda)', async () => {
    const gpu = await startHarness({
      library: lib,
      partData: () => audio,
      env: {
        DEMUCS_COMMAND: demucsWrapper('demucs-gpu', { gpu: true }),
        DEMUCS_DEVICE: 'cuda',
        REMIX_PREVIEW_SECONDS: PREVIEW_S,
      },
    });
    try {
      await gpu.services.library.refresh();
      const before = calls().length;
      const interaction = await remix(gpu, tracks[5]!);
      const final = await finalEdit(gpu, interaction.token);
      expect(final.files[0]!.name).toMatch(/\(vocals -60 dB\)\.mp3$/);
      expect(gpu.discord.requests.some((r) => onOriginal(interaction.token)(r) && isPreview(r))).toBe(false);
      const made = calls().slice(before);
      expect(made).toHaveLength(1);
      expect(made[0]).toEqual(expect.arrayContaining(['-n', 'htdemucs_ft', '-d', 'cuda']));
    } finally {
      await gpu.stop();
    }
  });
});

describe('after the preview', { timeout: 45_000 }, () => {
  it('cancelling the full track keeps the preview in the message', async () => {
    const slow = await startHarness({
      library: lib,
      partData: () => audio,
      env: {
        DEMUCS_COMMAND: demucsWrapper('demucs-hang-full', { hangFull: true }),
        REMIX_PREVIEW_SECONDS: PREVIEW_S,
      },
    });
    try {
      await slow.services.library.refresh();
      const interaction = await remix(slow, tracks[6]!);
      const preview = await slow.discord.waitForRequest(
        (r) => onOriginal(interaction.token)(r) && isPreview(r),
        20_000,
      );
      const cancel = components(preview.json).find((c) => c.label === 'Cancel')!;
      const message = [...slow.discord.messages.values()].find(
        (m) => m.interaction_metadata?.id === interaction.id,
      );
      await slow.discord.button(cancel.custom_id, { messageId: message?.id, user: ALEX });
      const final = await finalEdit(slow, interaction.token);
      expect(final.json.content).toContain('✖️ Remix cancelled.');
      expect(final.json.content).toContain('The preview (0:06–0:09) is kept.');
      expect(final.files.map((f) => f.name)).toEqual([preview.files[0]!.name]);
    } finally {
      await slow.stop();
    }
  });
});

describe('a preview that outlives the 15-minute interaction token', { timeout: 45_000 }, () => {
  it('is edited into the channel message, and the full remix is posted anew, mentioning the requester', async () => {
    const short = await startHarness({
      library: lib,
      partData: () => audio,
      discord: { tokenLifetimeMs: 1500 },
      env: { DEMUCS_COMMAND: demucsWrapper('demucs-short-token'), REMIX_PREVIEW_SECONDS: PREVIEW_S },
    });
    try {
      await short.services.library.refresh();
      const channel = `/channels/${short.discord.channelId}/messages`;
      await remix(short, tracks[0]!);
      const preview = await short.discord.waitForRequest(
        (r) => r.method === 'PATCH' && r.path.startsWith(`${channel}/`) && isPreview(r),
        30_000,
      );
      expect(preview.json.content).toContain('🎧 **Preview (0:06–0:09)**');
      const posted = await short.discord.waitForRequest(
        (r) => r.method === 'POST' && r.path === channel && r.files.length > 0,
        30_000,
      );
      expect(posted.files.map((f) => f.name)).toEqual([expect.stringMatching(/\(vocals -60 dB\)\.mp3$/)]);
      expect(posted.json.content).toMatch(new RegExp(`^<@${ALEX.id}> 🎛️ .*\\*\\*vocals −60 dB\\*\\*`));
      // The message that carried the preview is removed: the channel ends with the full remix only.
      await short.discord.waitForRequest((r) => r.method === 'DELETE' && r.path === preview.path, 10_000);
    } finally {
      await short.stop();
    }
  });
});
