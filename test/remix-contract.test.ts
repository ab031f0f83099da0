import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { separate } from '../src/services/remix/demucs.ts';
import { createDemucsProgress } from '../src/services/remix/progress-parser.ts';
import { captureLogger } from './helpers/logs.ts';

/**
 * The real Demucs 4.0.1's own output (test/fixtures/demucs/, captured on a 2-core machine, see runs.txt)
 * replayed through the bot's runner and progress parser: each captured case must end in the answer a user
 * and an admin can act on.
 */
const CAPTURES = fileURLToPath(new URL('./fixtures/demucs/', import.meta.url));
const REPLAY = fileURLToPath(new URL('../fakes/demucs/replay-demucs.mjs', import.meta.url));
const RUNS = readFileSync(join(CAPTURES, 'runs.txt'), 'utf8');

/** Each captured case: its name and the arguments Demucs was given. */
const CASES = [...RUNS.matchAll(/^([\w-]+): exit (\d+) · argv: demucs (.*)$/gm)].map((m) => ({
  name: m[1]!,
  exitCode: Number(m[2]),
  argv: m[3]!.split(' '),
}));

/** The bot's settings that would make it call Demucs like the captured run: model, device, extra args. */
function settingsOf(argv: string[]) {
  const value = (flag: string) => argv[argv.indexOf(flag) + 1]!;
  const extraArgs: string[] = [];
  for (let i = 0; i < argv.length - 1; i++) {
    const arg = argv[i]!;
    if (['-n', '-d', '-o', '--filename'].includes(arg)) i += 1;
    else if (arg === '--repo' || arg === '--segment') extraArgs.push(arg, argv[++i]!);
    else if (arg !== '--int24') extraArgs.push(arg);
  }
  return { model: value('-n'), device: value('-d') as 'cpu' | 'cuda', extraArgs };
}

/** What the user reads for each case (the admin's part names the setting to change). */
const EXPECTED: Record<string, RegExp | 'stems'> = {
  'smoke-ft': 'stems',
  'smoke-ht': 'stems',
  'default-layout': 'stems',
  'err-missing': /^Demucs produced no stems for this track \(it could not find the downloaded file\)/,
  'err-corrupt': /^Demucs could not read the track: its file format is not supported or the file is damaged/,
  'err-model':
    /^Demucs does not know the model “no_such_model” \(“FATAL: no_such_model is neither a single pre-trained model or a bag of models\.”\)\. An admin needs to set DEMUCS_MODEL/,
  'err-norepo':
    /^Demucs could not find its model folder: “FATAL: \/data\/no-such-repo must exist and be a directory\.”\. An admin needs to fix --repo in DEMUCS_EXTRA_ARGS/,
  'err-segment':
    /^Demucs refused the --segment in DEMUCS_EXTRA_ARGS: “FATAL: Cannot use a Transformer model .* Maximum segment is: 7\.8”\. An admin needs to lower it/,
  'err-args':
    /^Demucs refused its arguments: “demucs\.separate: error: unrecognized arguments: --no-such-flag”\. An admin needs to check DEMUCS_EXTRA_ARGS/,
  'err-cuda':
    /^Demucs could not use the GPU: DEMUCS_DEVICE is cuda, but PyTorch here has no working CUDA\. An admin can set DEMUCS_DEVICE=cpu, or install a CUDA build of PyTorch/,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demucs-contract-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the real Demucs 4.0.1 output, replayed through the bot’s runner', () => {
  it('has an expected answer for every captured case', () => {
    expect(CASES.map((c) => c.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(CASES)('$name (exit $exitCode)', async ({ name, argv }) => {
    const logs = captureLogger([]);
    const progress: number[] = [];
    const run = separate(
      {
        command: [process.execPath, REPLAY, CAPTURES, name],
        ...settingsOf(argv),
        timeoutMs: 20_000,
        logger: logs.logger,
        env: { PATH: process.env.PATH ?? '' },
      },
      join(dir, 'input.wav'),
      await mkdtemp(join(dir, `${name}-`)),
      new AbortController().signal,
      (fraction) => progress.push(fraction),
    );
    const expected = EXPECTED[name]!;
    if (expected === 'stems') {
      expect(Object.keys(await run).sort()).toEqual(['bass', 'drums', 'other', 'vocals']);
      expect(progress.at(-1)).toBe(1);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    } else {
      await expect(run).rejects.toThrow(expected);
      // Whatever Demucs said is in the log for the admin, whichever stream it used.
      expect(logs.text()).toMatch(/demucs (failed|exited 0 without writing any stem)/);
    }
    if (name === 'smoke-ft') {
      // Four models, one bar each: the user sees one bar that reaches a quarter per model.
      expect(progress).toEqual([0, 0.25, 0.5, 0.75, 1]);
    }
  });
});

describe('progress from the real bytes', () => {
  const stdout = readFileSync(join(CAPTURES, 'smoke-ft.stdout'), 'utf8');
  const stderr = readFileSync(join(CAPTURES, 'smoke-ft.stderr'), 'utf8');

  it('counts the four bars of the htdemucs_ft bag as one, whatever the chunking', () => {
    // Chunks smaller than a bar show every step; the whole text at once shows where it ends.
    const steps = {
      1: [0, 0.25, 0.5, 0.75, 1],
      7: [0, 0.25, 0.5, 0.75, 1],
      64: [0, 0.25, 0.5, 0.75, 1],
      1e6: [1],
    };
    for (const [size, expected] of Object.entries(steps).map(([k, v]) => [Number(k), v] as const)) {
      const progress = createDemucsProgress();
      progress.stdout(stdout);
      const seen: number[] = [];
      for (let at = 0; at < stderr.length; at += size) {
        const value = progress.stderr(stderr.slice(at, at + size));
        if (value !== undefined) seen.push(value);
      }
      expect(seen, `chunks of ${size}`).toEqual(expected);
    }
  });

  it('counts a bar per shift when DEMUCS_EXTRA_ARGS has --shifts', () => {
    const progress = createDemucsProgress(2);
    progress.stdout(stdout);
    expect(progress.stderr(stderr)).toBe(0.5);
  });

  it('keeps a bounded piece of a line that never ends, and still reads the next bar', () => {
    const progress = createDemucsProgress();
    progress.stdout(stdout);
    const flood = 'x'.repeat(64 * 1024);
    // 20 MB without a line break: each chunk costs the same, the kept part stays small.
    for (let i = 0; i < 320; i++) expect(progress.stderr(flood)).toBeUndefined();
    expect(progress.stderr(stderr.split('\n')[0]! + '\n')).toBe(0.25);
  });
});
