import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Options } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SAMPLE_RATE,
  STEM_NAMES,
  STEM_TONES,
  dbToAmplitude,
  decodeMono,
  decodeStereo,
  peak,
  readWavInfo,
  runFfmpeg,
  stemLevels,
  synthStemTrack,
  toneDb,
  writeSynthTrack,
} from './helpers/audio.ts';

/** These tests prove the fake demucs and the audio helpers, so the remix tests can rely on them. */

const FAKE = fileURLToPath(new URL('../fakes/demucs/fake-demucs.mjs', import.meta.url));
const BAG_OF = (n: number) =>
  `Selected model is a bag of ${n} models. You will see that many progress bars per track.`;
const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const plain = (text: string) => text.replace(ANSI, '');
/** One tqdm redraw of a separation bar (ncols=120): percent, bar, n/total, times, rate. */
const SEPARATION_FRAME =
  /^(\s{0,2}\d{1,3})%\|[█▏▎▍▌▋▊▉ ]+\| \d+\.\d+\/\d+\.\d+ \[\d\d:\d\d<(\d\d:\d\d|\?), (\?seconds\/s|\s*\d+\.\d\d(seconds\/s|s\/seconds))\]$/;

let dir: string;
let track: string; // 3 s, every stem tone at −20 dBFS
let shortTrack: string; // 2 s, for tests that do not measure levels

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fake-demucs-'));
  track = join(dir, 'my.song.flac');
  shortTrack = join(dir, 'short.flac');
  await synthStemTrack(track, 3);
  await synthStemTrack(shortTrack, 2);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function workDir(): Promise<string> {
  return mkdtemp(join(dir, 'job-'));
}

function fake(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const execaOptions: Options = {
    cwd: options.cwd ?? dir,
    env: { FAKE_DEMUCS_STEP_MS: '1', ...options.env },
    reject: false,
    stripFinalNewline: false, // the trailing \n of a finished bar is part of the contract
  };
  return execa(FAKE, args, execaOptions);
}

const text = (value: unknown) => String(value ?? '');

/** The bars in a stderr stream: each finished bar is one `\n`-terminated line of `\r` redraws. */
function bars(stderr: string): string[][] {
  return stderr
    .split('\n')
    .slice(0, -1) // an unfinished bar has no \n yet
    .filter((line) => line.includes('%|') && !line.includes('B/s'))
    .map((line) => line.split('\r').filter(Boolean));
}

describe('audio helpers', () => {
  it('toneDb reads a tone on its exact level, whatever its phase', () => {
    for (const phase of [0, 1, 2.5]) {
      const samples = new Float32Array(SAMPLE_RATE);
      for (let i = 0; i < samples.length; i++) {
        samples[i] = dbToAmplitude(-12) * Math.cos((2 * Math.PI * 1000 * i) / SAMPLE_RATE + phase);
      }
      expect(toneDb(samples, SAMPLE_RATE, 1000, 0, SAMPLE_RATE)).toBeCloseTo(-12, 2);
      expect(toneDb(samples, SAMPLE_RATE, 1001, 0, SAMPLE_RATE)).toBeLessThan(-100);
    }
  });

  it('measures a −60 dB tone next to three loud ones, in memory and through a FLAC file', async () => {
    const tones = {
      [STEM_TONES.drums]: -20,
      [STEM_TONES.bass]: -20,
      [STEM_TONES.other]: -20,
      [STEM_TONES.vocals]: -80,
    };
    const samples = new Float32Array(2 * SAMPLE_RATE);
    for (let i = 0; i < samples.length; i++) {
      for (const [hz, db] of Object.entries(tones)) {
        samples[i]! += dbToAmplitude(db) * Math.sin((2 * Math.PI * Number(hz) * i) / SAMPLE_RATE);
      }
    }
    expect(toneDb(samples, SAMPLE_RATE, STEM_TONES.vocals, SAMPLE_RATE, SAMPLE_RATE)).toBeCloseTo(-80, 1);
    expect(toneDb(samples, SAMPLE_RATE, STEM_TONES.bass, SAMPLE_RATE, SAMPLE_RATE)).toBeCloseTo(-20, 2);

    const file = join(dir, 'quiet-vocals.flac');
    await writeSynthTrack(file, { seconds: 3, tones });
    const levels = await stemLevels(file);
    expect(levels.vocals).toBeCloseTo(-80, 1);
    for (const stem of ['drums', 'bass', 'other'] as const) expect(levels[stem]).toBeCloseTo(-20, 1);
  });

  it('writeSynthTrack writes the format its extension names, at the requested levels', async () => {
    const wav = join(dir, 'synth.wav');
    await writeSynthTrack(wav, { seconds: 2, tones: { 440: -6 } });
    expect(await readWavInfo(wav)).toMatchObject({
      format: 'pcm',
      bitsPerSample: 16,
      channels: 2,
      sampleRate: 44_100,
      frames: 88_200,
    });
    const float = join(dir, 'synth-float.wav');
    await writeSynthTrack(float, { seconds: 2, tones: { 440: 6 }, codec: 'pcm_f32le' });
    expect(await readWavInfo(float)).toMatchObject({ format: 'float', bitsPerSample: 32 });
    expect(peak((await decodeMono(float)).samples)).toBeCloseTo(dbToAmplitude(6), 3);

    for (const [ext, tolerance] of [
      ['flac', 0.05],
      ['mp3', 0.3],
      ['m4a', 0.5],
    ] as const) {
      const file = join(dir, `synth.${ext}`);
      await writeSynthTrack(file, {
        seconds: 3,
        tones: { [STEM_TONES.bass]: -20, [STEM_TONES.vocals]: -30 },
      });
      const { samples } = await decodeMono(file);
      expect(
        Math.abs(toneDb(samples, SAMPLE_RATE, STEM_TONES.bass, SAMPLE_RATE, SAMPLE_RATE) + 20),
      ).toBeLessThan(tolerance);
      expect(
        Math.abs(toneDb(samples, SAMPLE_RATE, STEM_TONES.vocals, SAMPLE_RATE, SAMPLE_RATE) + 30),
      ).toBeLessThan(tolerance);
    }
  });

  it('peak is the largest absolute sample and toneDb refuses a window outside the samples', () => {
    expect(peak(new Float32Array([0.1, -0.75, 0.5]))).toBe(0.75);
    expect(() => toneDb(new Float32Array(10), SAMPLE_RATE, 100, 5, 10)).toThrow(RangeError);
  });
});

describe('fake demucs: output', () => {
  it('writes separated/<model>/<track>/<stem>.wav as 16-bit stereo by default, as long as the input', async () => {
    const cwd = await workDir();
    const result = await fake(['-n', 'htdemucs', track], { cwd });
    expect(result.exitCode).toBe(0);
    expect(text(result.stdout)).toBe(
      [
        BAG_OF(1),
        `Separated tracks will be stored in ${realpathSync(cwd)}/separated/htdemucs`,
        `Separating track ${track}`,
        '',
      ].join('\n'),
    );
    expect(readdirSync(join(cwd, 'separated/htdemucs/my.song')).sort()).toEqual([
      'bass.wav',
      'drums.wav',
      'other.wav',
      'vocals.wav',
    ]);
    for (const stem of STEM_NAMES) {
      expect(await readWavInfo(join(cwd, 'separated/htdemucs/my.song', `${stem}.wav`))).toMatchObject({
        format: 'pcm',
        bitsPerSample: 16,
        channels: 2,
        sampleRate: 44_100,
        frames: 3 * 44_100,
      });
    }
  });

  it('uses htdemucs when -n is omitted and prints demucs 4.0.1’s bold notice about it', async () => {
    const result = await fake(['short.flac'], { cwd: dir });
    const lines = text(result.stdout).split('\n');
    expect(lines[0]).toContain(
      `${ESC}[1mImportant: the default model was recently changed to \`htdemucs\`${ESC}[0m`,
    );
    expect(lines.slice(1, 3)).toEqual([
      BAG_OF(1),
      `Separated tracks will be stored in ${realpathSync(dir)}/separated/htdemucs`,
    ]);
    expect(existsSync(join(dir, 'separated/htdemucs/short/vocals.wav'))).toBe(true);
  });

  it('honours the bot’s call (-o DIR --filename "{stem}.{ext}" --int24): 24-bit stems at the input’s tone levels', async () => {
    const out = await workDir();
    const result = await fake([
      '-n',
      'htdemucs_ft',
      '-d',
      'cpu',
      '-o',
      out,
      '--filename',
      '{stem}.{ext}',
      '--int24',
      track,
    ]);
    expect(result.exitCode).toBe(0);
    expect(text(result.stdout).split('\n')[0]).toBe(BAG_OF(4));
    expect(readdirSync(join(out, 'htdemucs_ft')).sort()).toEqual([
      'bass.wav',
      'drums.wav',
      'other.wav',
      'vocals.wav',
    ]);
    for (const stem of STEM_NAMES) {
      const file = join(out, 'htdemucs_ft', `${stem}.wav`);
      expect(await readWavInfo(file)).toMatchObject({ format: 'pcm', bitsPerSample: 24, frames: 3 * 44_100 });
      const levels = await stemLevels(file);
      for (const other of STEM_NAMES) {
        if (other === stem) expect(Math.abs(levels[other] + 20)).toBeLessThan(0.2);
        else expect(levels[other]).toBeLessThan(-100);
      }
    }
  });

  it('writes IEEE float with --float32 and fills {track} and {trackext} like demucs', async () => {
    const out = await workDir();
    const result = await fake([
      '-n',
      'htdemucs',
      '-o',
      out,
      '--filename',
      '{track}-{trackext}/{stem}.{ext}',
      '--float32',
      track,
    ]);
    expect(result.exitCode).toBe(0);
    const info = await readWavInfo(join(out, 'htdemucs/my.song-flac/bass.wav'));
    expect(info).toMatchObject({ format: 'float', bitsPerSample: 32, channels: 2, frames: 3 * 44_100 });
  });

  it('writes FLAC stems with --flac, and --two-stems writes STEM and no_STEM', async () => {
    const out = await workDir();
    const result = await fake([
      '-o',
      out,
      '-n',
      'htdemucs',
      '--filename',
      '{stem}.{ext}',
      '--flac',
      '--two-stems',
      'vocals',
      track,
    ]);
    expect(result.exitCode).toBe(0);
    expect(readdirSync(join(out, 'htdemucs')).sort()).toEqual(['no_vocals.flac', 'vocals.flac']);
    const rest = await stemLevels(join(out, 'htdemucs/no_vocals.flac'));
    expect(Math.abs(rest.bass + 20)).toBeLessThan(0.2);
    expect(rest.vocals).toBeLessThan(-90);
  });

  it('stems follow a −6 dB attenuated input', async () => {
    const out = await workDir();
    const quieter = join(out, 'input.wav');
    await runFfmpeg([
      '-i',
      track,
      '-af',
      'volume=-6dB',
      '-c:a',
      'pcm_f32le',
      '-ar',
      '44100',
      '-ac',
      '2',
      quieter,
    ]);
    const result = await fake([
      '-n',
      'htdemucs',
      '-o',
      out,
      '--filename',
      '{stem}.{ext}',
      '--int24',
      quieter,
    ]);
    expect(result.exitCode).toBe(0);
    for (const stem of STEM_NAMES) {
      const levels = await stemLevels(join(out, 'htdemucs', `${stem}.wav`));
      expect(Math.abs(levels[stem] + 26)).toBeLessThan(0.2);
    }
  });
});

describe('fake demucs: clipping (bass tone at +6 dBFS in a float WAV, the others at −20)', () => {
  let loud: string;
  beforeAll(async () => {
    loud = join(await workDir(), 'loud.wav');
    const tones = {
      [STEM_TONES.drums]: -20,
      [STEM_TONES.bass]: 6,
      [STEM_TONES.other]: -20,
      [STEM_TONES.vocals]: -20,
    };
    await writeSynthTrack(loud, { seconds: 3, tones, codec: 'pcm_f32le' });
  });

  async function separateLoud(flags: string[], env: Record<string, string> = {}) {
    const out = await workDir();
    const result = await fake(['-n', 'htdemucs', '-o', out, '--filename', '{stem}.{ext}', ...flags, loud], {
      env,
    });
    expect(result.exitCode).toBe(0);
    const bass = await decodeStereo(join(out, 'htdemucs/bass.wav'));
    return {
      bassPeak: Math.max(peak(bass.left), peak(bass.right)),
      bass: toneDb(bass.left, SAMPLE_RATE, STEM_TONES.bass, SAMPLE_RATE, 2 * SAMPLE_RATE),
      drums: (await stemLevels(join(out, 'htdemucs/drums.wav'))).drums,
    };
  }

  it('rescale (default) divides only the clipping stem by 1.01 × its peak', async () => {
    const rescaled = await separateLoud([]);
    expect(rescaled.bassPeak).toBeGreaterThan(0.98);
    expect(rescaled.bassPeak).toBeLessThanOrEqual(1 / 1.01 + 1e-4);
    expect(rescaled.bass).toBeCloseTo(6.02 - 20 * Math.log10(2 * 1.01), 1);
    expect(Math.abs(rescaled.drums + 20)).toBeLessThan(0.2); // the other stems keep their level
  });

  it('clamp clips the stem at ±0.99', async () => {
    const clamped = await separateLoud(['--clip-mode', 'clamp']);
    expect(clamped.bassPeak).toBeCloseTo(0.99, 3);
    expect(Math.abs(clamped.drums + 20)).toBeLessThan(0.2);
  });

  it('--float32 --clip-mode none (Demucs 4.1) keeps the stem above full scale', async () => {
    const kept = await separateLoud(['--float32', '--clip-mode', 'none'], { FAKE_DEMUCS_VERSION: '4.1' });
    expect(kept.bassPeak).toBeCloseTo(2, 2);
    expect(Math.abs(kept.bass - 6.02)).toBeLessThan(0.2);
  });
});

describe('fake demucs: progress', () => {
  it('draws one 120-column tqdm bar per sub-model on stderr, redrawn with \\r, each ending in \\n', async () => {
    for (const [model, count] of [
      ['htdemucs', 1],
      ['htdemucs_ft', 4],
    ] as const) {
      const out = await workDir();
      const result = await fake(['-n', model, '-o', out, shortTrack]);
      const stderr = text(result.stderr);
      expect(stderr.endsWith('\n')).toBe(true);
      expect(stderr.split('\n').filter(Boolean)).toHaveLength(count);
      const found = bars(stderr);
      expect(found).toHaveLength(count);
      for (const frames of found) {
        expect(frames.length).toBeGreaterThanOrEqual(10);
        const percents = frames.map((frame) => {
          expect(frame).toMatch(SEPARATION_FRAME);
          expect([...frame]).toHaveLength(120);
          return Number(SEPARATION_FRAME.exec(frame)?.[1]);
        });
        expect(percents[0]).toBe(0);
        expect(percents.at(-1)).toBe(100);
        expect(percents).toEqual([...percents].sort((a, b) => a - b));
      }
      expect(stderr).toMatch(/\| \d+\.\d{10,}\/\d+\.\d+ \[/); // tqdm shows the float noise of n × stride
      expect(text(result.stdout)).not.toContain('%|'); // nothing of the bars on stdout
    }
  });

  it('draws a bar per shift with --shifts 2, at a CPU’s inverse rate (s/seconds) unless FAKE_DEMUCS_SPEED > 1', async () => {
    const slow = text(
      (await fake(['-n', 'htdemucs', '--shifts', '2', '-o', await workDir(), shortTrack])).stderr,
    );
    expect(bars(slow)).toHaveLength(2);
    expect(slow).toContain(' 2.00s/seconds]');
    expect(slow).not.toMatch(/\dseconds\/s/);
    const fast = await fake(['-n', 'htdemucs', '-o', await workDir(), shortTrack], {
      env: { FAKE_DEMUCS_SPEED: '300' },
    });
    expect(text(fast.stderr)).toContain('300.00seconds/s]');
  });

  it('prints torch.hub’s download lines and byte bars before the model runs when FAKE_DEMUCS_DOWNLOAD=1', async () => {
    const result = await fake(['-n', 'htdemucs_ft', '-o', await workDir(), shortTrack], {
      env: { FAKE_DEMUCS_DOWNLOAD: '1', TORCH_HOME: '/models' },
    });
    const stderr = text(result.stderr);
    for (const file of [
      'f7e0c4bc-ba3fe64a.th',
      'd12395a8-e57c48e6.th',
      '92cfc3b6-ef3bcb9c.th',
      '04573f0d-f3cf25b2.th',
    ]) {
      expect(stderr).toContain(
        `Downloading: "https://dl.fbaipublicfiles.com/demucs/hybrid_transformer/${file}" to /models/hub/checkpoints/${file}\n`,
      );
    }
    expect(stderr).toMatch(/\r100%\|██████████\| 80\.2M\/80\.2M \[00:01<00:00, 65\.0MB\/s\]\n/);
    expect(stderr.indexOf('Downloading')).toBeLessThan(stderr.indexOf('seconds/'));
    expect(bars(stderr)).toHaveLength(4);
  });
});

describe('fake demucs: failures', () => {
  it('exits 0 without stems when the input does not exist, like demucs', async () => {
    const out = await workDir();
    const result = await fake(['-n', 'htdemucs_ft', '-o', out, 'no such file.flac']);
    expect(result.exitCode).toBe(0);
    expect(text(result.stderr)).toContain(
      'File no such file.flac does not exist. If the path contains spaces',
    );
    expect(readdirSync(join(out, 'htdemucs_ft'))).toEqual([]);
    expect(text(result.stdout)).not.toContain('Separating track');
  });

  it('exits 1 with a bold FATAL line for an unknown model or a too long --segment', async () => {
    const unknown = await fake(['-n', 'htdemucs_xl', '-o', await workDir(), shortTrack]);
    expect(unknown.exitCode).toBe(1);
    expect(plain(text(unknown.stderr))).toBe(
      'FATAL: htdemucs_xl is neither a single pre-trained model or a bag of models.\n',
    );
    expect(text(unknown.stderr)).toContain(`${ESC}[1mFATAL:${ESC}[0m`);
    expect(text(unknown.stdout)).toBe('');

    const segment = await fake(['-n', 'htdemucs_ft', '--segment', '8', '-o', await workDir(), shortTrack]);
    expect(segment.exitCode).toBe(1);
    expect(plain(text(segment.stderr))).toContain('Maximum segment is: 7.8');
  });

  it.each([
    [['--bogus', 'x.flac'], 'unrecognized arguments: --bogus'],
    [[], 'the following arguments are required: tracks'],
    [['--int24', '--float32', 'x.flac'], 'argument --float32: not allowed with argument --int24'],
    [
      ['--clip-mode', 'soft', 'x.flac'],
      "argument --clip-mode: invalid choice: 'soft' (choose from 'rescale', 'clamp')",
    ],
    [['--shifts', 'two', 'x.flac'], "argument --shifts: invalid int value: 'two'"],
    [['x.flac', '-n'], 'argument -n/--name: expected one argument'],
    [['a.flac', '-n', 'htdemucs', 'b.flac'], 'unrecognized arguments: b.flac'],
  ])('exits 2 with argparse usage for %j', async (args, message) => {
    const result = await fake(args);
    expect(result.exitCode).toBe(2);
    expect(text(result.stderr)).toMatch(/^usage: demucs\.separate \[-h\] \[-s SIG \| -n NAME\]/);
    expect(text(result.stderr).endsWith(`\ndemucs.separate: error: ${message}\n`)).toBe(true);
  });

  it('exits 1 with torch’s traceback for -d cuda, after announcing the track', async () => {
    const out = await workDir();
    const result = await fake(['-n', 'htdemucs_ft', '-d', 'cuda', '-o', out, shortTrack]);
    expect(result.exitCode).toBe(1);
    expect(text(result.stderr)).toMatch(/^Traceback \(most recent call last\):\n/);
    expect(text(result.stderr).endsWith('\nAssertionError: Torch not compiled with CUDA enabled\n')).toBe(
      true,
    );
    expect(text(result.stdout)).toContain('Separating track');
    expect(readdirSync(join(out, 'htdemucs_ft'))).toEqual([]);
  });

  // Demucs 4.0.1 (captured: fixtures/demucs/err-corrupt.stdout) prints the reason on stdout; 4.1 raised
  // LoadAudioError on stderr, which this test expected before the real program was run.
  it('exits 1 with the reason on stdout when ffmpeg cannot decode the input, like demucs 4.0.1', async () => {
    const broken = join(await workDir(), 'broken.flac');
    await writeFile(broken, 'not audio at all');
    const result = await fake(['-n', 'htdemucs', '-o', join(broken, '..'), broken]);
    expect(result.exitCode).toBe(1);
    expect(text(result.stdout)).toContain(
      'When trying to load using ffmpeg, got the following error: FFmpeg could not read the file.',
    );
    expect(text(result.stderr)).toBe('');
  });

  it('FAKE_DEMUCS_MODE=crash fails when saving, after the bars, with the torchaudio backend error', async () => {
    const out = await workDir();
    const result = await fake(['-n', 'htdemucs_ft', '-o', out, '--filename', '{stem}.{ext}', shortTrack], {
      env: { FAKE_DEMUCS_MODE: 'crash' },
    });
    expect(result.exitCode).toBe(1);
    expect(bars(text(result.stderr))).toHaveLength(4);
    expect(text(result.stderr)).toContain(
      `RuntimeError: Couldn't find appropriate backend to handle uri ${out}/htdemucs_ft/drums.wav and format None.\n`,
    );
    expect(readdirSync(join(out, 'htdemucs_ft'))).toEqual([]);
  });

  it('FAKE_DEMUCS_MODE=oom is killed by SIGKILL halfway, leaving no stems', async () => {
    const out = await workDir();
    const result = await fake(['-n', 'htdemucs_ft', '-o', out, shortTrack], {
      env: { FAKE_DEMUCS_MODE: 'oom' },
    });
    expect(result.signal).toBe('SIGKILL');
    expect(result.exitCode).toBeUndefined();
    expect(bars(text(result.stderr))).toHaveLength(2); // dies in the third of four bars
    expect(readdirSync(join(out, 'htdemucs_ft'))).toEqual([]);
  });

  it('FAKE_DEMUCS_MODE=hang stops at 40 % until SIGTERM; unbuffered stdout arrived, buffered stdout is lost', async () => {
    for (const unbuffered of [true, false]) {
      const child = fake(['-n', 'htdemucs', '-o', await workDir(), shortTrack], {
        env: { FAKE_DEMUCS_MODE: 'hang', PYTHONUNBUFFERED: unbuffered ? '1' : '' },
      });
      let stderr = '';
      await new Promise<void>((resolve) => {
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes(' 40%|')) resolve();
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(stderr).not.toContain(' 50%|');
      child.kill('SIGTERM');
      const result = await child;
      expect(result.signal).toBe('SIGTERM');
      expect(text(result.stdout).includes('Separating track')).toBe(unbuffered);
    }
  });

  it('FAKE_DEMUCS_MODE=missing-stem exits 0 without the vocals stem', async () => {
    const out = await workDir();
    const result = await fake(['-n', 'htdemucs', '-o', out, '--filename', '{stem}.{ext}', shortTrack], {
      env: { FAKE_DEMUCS_MODE: 'missing-stem' },
    });
    expect(result.exitCode).toBe(0);
    expect(readdirSync(join(out, 'htdemucs')).sort()).toEqual(['bass.wav', 'drums.wav', 'other.wav']);
  });

  it('refuses an unknown FAKE_DEMUCS_MODE so a typo in a test cannot pass silently', async () => {
    const result = await fake(['-n', 'htdemucs', shortTrack], { env: { FAKE_DEMUCS_MODE: 'crahs' } });
    expect(result.exitCode).toBe(3);
  });
});

describe('fake demucs: call log', () => {
  it('appends one JSON line per call to FAKE_DEMUCS_LOG, with argv, cwd, pid and the Python env', async () => {
    const cwd = await workDir();
    const log = join(cwd, 'calls.jsonl');
    const first = fake(['-n', 'htdemucs', '-o', cwd, shortTrack], {
      cwd,
      env: { FAKE_DEMUCS_LOG: log, PYTHONUNBUFFERED: '1', TORCH_HOME: '/models' },
    });
    await first;
    const second = fake(['--bogus'], { cwd, env: { FAKE_DEMUCS_LOG: log } });
    await second;
    const lines = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      argv: ['-n', 'htdemucs', '-o', cwd, shortTrack],
      cwd: realpathSync(cwd),
      pid: first.pid,
      env: { PYTHONUNBUFFERED: '1', TORCH_HOME: '/models' },
    });
    expect(Date.parse(String(lines[0]?.startedAt))).not.toBeNaN();
    expect(lines[1]).toMatchObject({ argv: ['--bogus'], pid: second.pid });
  });
});

/**
 * The fake against the real program: every case captured from Demucs 4.0.1 (fixtures/demucs/runs.txt) is run
 * through the fake with the same arguments, in the same layout (audio/input-5.wav, a corrupt file, a --repo
 * with the model files), and both outputs are compared after normalising what cannot match: absolute paths,
 * times and rates in the bars, and the file/line frames of a Python traceback (its first and last lines stay).
 */
describe('the fake compared with the captured runs of Demucs 4.0.1', () => {
  const CAPTURES = fileURLToPath(new URL('./fixtures/demucs/', import.meta.url));
  const REPO = join(CAPTURES, 'repo');
  const runs = [
    ...readFileSyncUtf8(join(CAPTURES, 'runs.txt')).matchAll(/^([\w-]+): exit (\d+) · argv: demucs (.*)$/gm),
  ];
  let cwd: string;

  beforeAll(async () => {
    cwd = await workDir();
    await mkdir(join(cwd, 'audio'), { recursive: true });
    await mkdir(join(cwd, 'runs'), { recursive: true });
    await synthStemTrack(join(cwd, 'audio', 'input-5.wav'), 5);
    await writeFile(join(cwd, 'audio', 'corrupt.wav'), 'RIFF not really a wave file');
  });

  function normalise(output: string, root: string): string {
    return (
      output
        .replaceAll(`${root}/runs/`, '/data/')
        .replaceAll(`${root}/`, '/data/')
        // One tqdm redraw: keep percent, n/total and the unit; times, rate and bar width vary.
        .replace(
          /(\d{1,3})%\|[█▏▎▍▌▋▊▉ ]*\| ([\d.]+)\/([\d.]+) \[[\d:]+<[\d:?]+, [ ?\d.]*(seconds\/s|s\/seconds)\]/g,
          (_m, pct: string, n: string, total: string, unit: string) =>
            `${pct.trim()}% ${Number(n).toFixed(2)}/${Number(total).toFixed(2)} ${unit === 'seconds/s' && n === '0.0' ? '?' : ''}seconds`,
        )
        .replace(/\?seconds/g, 'seconds')
        // Traceback frames name files of another installation: keep the first and the last line.
        .replace(
          /Traceback \(most recent call last\):\n(?: {2}.*\n)+/g,
          'Traceback (most recent call last):\n…\n',
        )
    );
  }

  it.each(runs.map((m) => ({ name: m[1]!, exitCode: Number(m[2]), argv: m[3]!.split(' ') })))(
    '$name',
    async ({ name, exitCode, argv }) => {
      const root = realpathSync(cwd);
      const args = argv.map((arg) => (arg === '/data/repo' ? REPO : arg.replace('/data/', `${root}/`)));
      const result = await fake(args, { cwd, env: { FAKE_DEMUCS_MIN_CHUNKS: '1', PYTHONUNBUFFERED: '1' } });
      expect(result.exitCode).toBe(exitCode);
      for (const stream of ['stdout', 'stderr'] as const) {
        const file = join(CAPTURES, `${name}.${stream}`);
        const real = existsSync(file) ? readFileSyncUtf8(file) : '';
        expect(normalise(text(result[stream]), root), `${name}.${stream}`).toBe(normalise(real, root));
      }
    },
  );
});

function readFileSyncUtf8(file: string): string {
  return readFileSync(file, 'utf8');
}
