import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireDemucs, separate } from '../src/services/remix/demucs.ts';
import type { DemucsOptions } from '../src/services/remix/demucs.ts';
import { RemixCancelledError } from '../src/services/remix/errors.ts';
import { synthStemTrack } from './helpers/audio.ts';
import { captureLogger } from './helpers/logs.ts';

const FAKE_DEMUCS = fileURLToPath(new URL('../fakes/demucs/fake-demucs.mjs', import.meta.url));
let dir: string;
let input: string;
const logs = captureLogger([]);

function options(overrides: Partial<DemucsOptions> = {}): DemucsOptions {
  return {
    command: [FAKE_DEMUCS],
    model: 'htdemucs_ft',
    device: 'cpu',
    extraArgs: [],
    timeoutMs: 20_000,
    logger: logs.logger,
    // These tests call the runner directly and steer the fake through this process's environment.
    env: { ...process.env } as Record<string, string>,
    ...overrides,
  };
}

async function run(overrides: Partial<DemucsOptions> = {}, signal = new AbortController().signal) {
  const out = await mkdtemp(join(dir, 'out-'));
  const progress: number[] = [];
  const result = separate(options(overrides), input, out, signal, (f) => progress.push(f));
  return { result, progress, out };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demucs-'));
  input = join(dir, 'input.wav');
  await synthStemTrack(input, 2, -20);
});
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeEach(() => {
  delete process.env.FAKE_DEMUCS_MODE;
  process.env.FAKE_DEMUCS_STEP_MS = '2';
});

describe('running Demucs', () => {
  it('returns the four stems and reports progress across the 4 models of htdemucs_ft', async () => {
    const { result, progress } = await run();
    const stems = await result;
    expect(Object.keys(stems).sort()).toEqual(['bass', 'drums', 'other', 'vocals']);
    expect(stems.vocals).toMatch(/htdemucs_ft\/vocals\.wav$/);
    expect(progress.at(-1)).toBe(1);
    expect(progress.some((f) => f > 0.2 && f < 0.3)).toBe(true);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('leaves the output format to DEMUCS_EXTRA_ARGS when they choose one', async () => {
    const stems = await (await run({ extraArgs: ['--flac'] })).result;
    expect(stems.drums).toMatch(/drums\.flac$/);
  });

  it('reports an unknown model with Demucs’s own FATAL line, without terminal escapes, naming DEMUCS_MODEL', async () => {
    await expect((await run({ model: 'nonsense' })).result).rejects.toThrow(
      'Demucs does not know the model “nonsense” (“FATAL: nonsense is neither a single pre-trained model or a bag of models.”). An admin needs to set DEMUCS_MODEL',
    );
  });

  it('reports bad arguments (exit 2) with argparse’s line, naming DEMUCS_EXTRA_ARGS', async () => {
    await expect((await run({ extraArgs: ['--no-such-flag'] })).result).rejects.toThrow(
      /Demucs refused its arguments: “demucs.separate: error: unrecognized arguments: --no-such-flag”. An admin needs to check DEMUCS_EXTRA_ARGS/,
    );
  });

  it('notices stems that were not written although Demucs exited 0', async () => {
    process.env.FAKE_DEMUCS_MODE = 'missing-stem';
    await expect((await run()).result).rejects.toThrow(
      'Demucs finished without writing the vocals stem. An admin can find the details in the bot’s log.',
    );
  });

  it('explains a kill by the kernel (out of memory)', async () => {
    process.env.FAKE_DEMUCS_MODE = 'oom';
    await expect((await run()).result).rejects.toThrow(
      /killed while separating, most likely .* out of memory/,
    );
  });

  it('stops a separation that outlives the timeout', async () => {
    process.env.FAKE_DEMUCS_MODE = 'hang';
    const started = Date.now();
    await expect((await run({ timeoutMs: 1500 })).result).rejects.toThrow(
      /took longer than 2 seconds and was stopped\. An admin can raise DEMUCS_TIMEOUT_MINUTES/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops Demucs when cancelled', async () => {
    process.env.FAKE_DEMUCS_MODE = 'hang';
    const controller = new AbortController();
    const { result, progress } = await run({}, controller.signal);
    // The fake needs about a second to start and decode on a loaded 2-core machine.
    await expect.poll(() => progress.length > 0, { timeout: 10_000 }).toBe(true);
    controller.abort();
    await expect(result).rejects.toBeInstanceOf(RemixCancelledError);
  });

  it('finds the executable on the PATH or by path, and says clearly when it is missing', async () => {
    await expect(requireDemucs(options(), '')).resolves.toBeUndefined();
    await expect(
      requireDemucs(options({ command: ['node', FAKE_DEMUCS] }), process.env.PATH ?? ''),
    ).resolves.toBeUndefined();
    await expect(requireDemucs(options({ command: ['demucs-not-here'] }), '/usr/bin:/bin')).rejects.toThrow(
      'AI remix is not installed on this server (Demucs was not found).',
    );
    expect(logs.text()).toMatch(/demucs not found: install it/);
    expect(await readdir(dir)).toContain('input.wav');
  });
});
