#!/usr/bin/env node
/**
 * Fake `demucs` for tests: the demucs 4.0.1 CLI (with FAKE_DEMUCS_VERSION=4.1 also 4.1's `--clip-mode none`, `--other-method`,
 * `--list-models`) without torch. Sources: demucs separate.py/apply.py/audio.py (v4.0.1 and
 * adefossez/demucs b9ab48c), tqdm 4.x format_meter, ../../../shared/notes/remix.md §1.
 *
 * Separation: decodes the input with ffmpeg (FFMPEG_PATH, else @ffmpeg-installer) to 44.1 kHz stereo,
 * measures amplitude and phase of each tone in ./stem-tones.mjs per channel, and writes each stem as that
 * pure sine, as long as the input. So a stem's level follows the input's tone level, and the clipping
 * rules (`--clip-mode rescale` divides a stem by max(1.01·peak, 1)) act as in demucs. WAV int16 by default,
 * `--int24`, `--float32`; a `.flac`/`.mp3` target (from `--flac`/`--mp3` or the template) via ffmpeg.
 * Output: `<out>/<model>/<--filename>` (default `separated`, `{track}/{stem}.{ext}`).
 *
 * stdout: "Selected model is a bag of N models. …" (N = 1 for htdemucs, 4 for htdemucs_ft), "Separated
 * tracks will be stored in <abs>", "Separating track <path>"; plus the bold "Important: …" line of 4.0.1
 * when -n is omitted. Like Python's, stdout is block-buffered (only written at exit, lost when killed)
 * unless PYTHONUNBUFFERED is set. stderr: one tqdm bar per sub-model per shift, ncols=120, redraws
 * separated by `\r`, only a bar's final state ends in `\n`. The shown rate follows FAKE_DEMUCS_SPEED;
 * below 1 tqdm prints ` 2.00s/seconds` (inverse rate) instead of `123.45seconds/s`.
 * Failures as in demucs: missing input → message on stderr, exit 0, no stems (`<out>/<model>` is still
 * created); unknown model / bad --segment / bad --two-stems → `\x1b[1mFATAL:\x1b[0m …` (dora prints it
 * bold), exit 1; bad arguments → argparse usage + `demucs.separate: error: …`, exit 2; `-d cuda` → torch
 * AssertionError traceback, exit 1; undecodable input → LoadAudioError traceback, exit 1.
 *
 * Environment:
 *   FAKE_DEMUCS_MODE      ok (default) | missing-stem (vocals not written, exit 0) | crash (RuntimeError
 *                         "Couldn't find appropriate backend…" when saving, exit 1) | oom (SIGKILLs itself
 *                         at 50 % overall) | hang (stops at 40 % overall until killed; SIGTERM kills it)
 *   FAKE_DEMUCS_STEP_MS   pause between progress redraws (default 5)
 *   FAKE_DEMUCS_SPEED     audio seconds per second shown in the bars (default 0.5, a CPU; 300 ≈ a GPU)
 *   FAKE_DEMUCS_DOWNLOAD  1 = print torch.hub's weight download lines and bars first
 *   FAKE_DEMUCS_PACE      wall-clock seconds per second of audio per model (e.g. 1.7, a 2-core CPU as
 *                         measured with the real program): the bars then take as long as a real run, and
 *                         their rate follows it; unset = FAKE_DEMUCS_STEP_MS per redraw
 *   FAKE_DEMUCS_MIN_CHUNKS  fewest chunks a bar has (default 10, so a 3-second test track shows about ten
 *                         redraws; 1 = the real program, whose bar jumps 0 → 100 % for a clip under 5.85 s)
 *   FAKE_DEMUCS_LOG       file to append one JSON line per call: {argv, cwd, pid, startedAt, env} (env: the
 *                         whole environment the fake received, so tests can check what leaks into it)
 *   FAKE_DEMUCS_CONTROL   a JSON file read at each start, {"mode", "stepMs", "speed", "pace", "minChunks",
 *                         "log"}: lets a test change a running bot's fake between calls while the bot gives
 *                         its children only a minimal environment
 * The captured outputs of the real program (test/fixtures/demucs/) are what test/fake-demucs.test.ts compares
 * this fake's output with.
 */
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, extname, resolve } from 'node:path';
import process from 'node:process';
import { setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { STEM_TONES } from './stem-tones.mjs';

const env = process.env;
const control = env.FAKE_DEMUCS_CONTROL ? JSON.parse(readFileSync(env.FAKE_DEMUCS_CONTROL, 'utf8')) : {};
const SR = 44100;
const MODE = control.mode ?? (env.FAKE_DEMUCS_MODE || 'ok');
const STEP_MS = Number(control.stepMs ?? env.FAKE_DEMUCS_STEP_MS ?? 5);
const PACE = Number(control.pace ?? env.FAKE_DEMUCS_PACE ?? 0) || undefined;
const SPEED = PACE ? 1 / PACE : Number(control.speed ?? env.FAKE_DEMUCS_SPEED ?? 0.5);
const MIN_CHUNKS = Math.max(1, Number(control.minChunks ?? env.FAKE_DEMUCS_MIN_CHUNKS ?? 10));
const LOG = control.log ?? env.FAKE_DEMUCS_LOG;
const SITE = '/usr/local/lib/python3.11/site-packages';
const BOLD = (text) => `\x1b[1m${text}\x1b[0m`;

/** Thrown to end the program with an exit code after its output was written. */
class Exit {
  constructor(code) {
    this.code = code;
  }
}

// ---------------------------------------------------------------- output (Python-like buffering)

const stdoutUnbuffered = Boolean(env.PYTHONUNBUFFERED);
const stdoutHeld = [];
const print = (line) => (stdoutUnbuffered ? process.stdout.write(`${line}\n`) : stdoutHeld.push(`${line}\n`));
const eprint = (text) => process.stderr.write(text);
const flushStdout = () => stdoutHeld.length > 0 && process.stdout.write(stdoutHeld.splice(0).join(''));

function fatal(message) {
  eprint(`${BOLD('FATAL:')} ${message}\n`);
  throw new Exit(1);
}

function traceback(frames, last) {
  const lines = ['Traceback (most recent call last):', '  File "/usr/local/bin/demucs", line 8, in <module>'];
  lines.push('    sys.exit(main())');
  for (const [file, line, fn, code] of frames)
    lines.push(`  File "${file}", line ${line}, in ${fn}`, `    ${code}`);
  eprint(`${lines.join('\n')}\n${last}\n`);
  throw new Exit(1);
}

// ---------------------------------------------------------------- argparse emulation

/** Demucs 4.0.1 (the version the image pins, as captured) unless FAKE_DEMUCS_VERSION=4.1 adds its options. */
const V41 = (control.version ?? env.FAKE_DEMUCS_VERSION) === '4.1';
const OPTIONS = [
  { flags: ['-h', '--help'], dest: 'help', flag: true },
  { flags: ['-s', '--sig'], dest: 'sig', metavar: 'SIG', group: 'model' },
  { flags: ['-n', '--name'], dest: 'name', metavar: 'NAME', group: 'model' },
  { flags: ['--repo'], dest: 'repo', metavar: 'REPO' },
  { flags: ['--list-models'], dest: 'listModels', flag: true, since: '4.1' },
  { flags: ['-v', '--verbose'], dest: 'verbose', flag: true },
  { flags: ['-o', '--out'], dest: 'out', metavar: 'OUT' },
  { flags: ['--filename'], dest: 'filename', metavar: 'FILENAME' },
  { flags: ['-d', '--device'], dest: 'device', metavar: 'DEVICE' },
  { flags: ['--shifts'], dest: 'shifts', metavar: 'SHIFTS', type: 'int' },
  { flags: ['--overlap'], dest: 'overlap', metavar: 'OVERLAP', type: 'float' },
  { flags: ['--no-split'], dest: 'noSplit', flag: true, group: 'split' },
  { flags: ['--segment'], dest: 'segment', metavar: 'SEGMENT', type: 'int', group: 'split' },
  { flags: ['--two-stems'], dest: 'stem', metavar: 'STEM' },
  { flags: ['--other-method'], dest: 'otherMethod', choices: ['none', 'add', 'minus'], since: '4.1' },
  { flags: ['--int24'], dest: 'int24', flag: true, group: 'depth' },
  { flags: ['--float32'], dest: 'float32', flag: true, group: 'depth' },
  { flags: ['--clip-mode'], dest: 'clipMode', choices: ['rescale', 'clamp', ...(V41 ? ['none'] : [])] },
  { flags: ['--flac'], dest: 'flac', flag: true, group: 'format' },
  { flags: ['--mp3'], dest: 'mp3', flag: true, group: 'format' },
  { flags: ['--mp3-bitrate'], dest: 'mp3Bitrate', metavar: 'MP3_BITRATE', type: 'int' },
  { flags: ['--mp3-preset'], dest: 'mp3Preset', type: 'int', choices: [2, 3, 4, 5, 6, 7] },
  { flags: ['-j', '--jobs'], dest: 'jobs', metavar: 'JOBS', type: 'int' },
];
for (let i = OPTIONS.length - 1; i >= 0; i--) if (OPTIONS[i].since && !V41) OPTIONS.splice(i, 1);
const DEFAULTS = {
  name: undefined,
  out: 'separated',
  filename: '{track}/{stem}.{ext}',
  device: 'cpu', // "cuda if available else cpu"; this fake has no CUDA
  shifts: 1,
  overlap: 0.25,
  otherMethod: 'add',
  clipMode: 'rescale',
  mp3Bitrate: 320,
  mp3Preset: 2,
  jobs: 0,
};
const NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$/;

function usage() {
  const parts = [];
  for (const o of OPTIONS) {
    const group = o.group ? OPTIONS.filter((m) => m.group === o.group) : [o];
    if (group[0] === o) parts.push(`[${group.map(invocation).join(' | ')}]`);
  }
  const prefix = 'usage: demucs.separate ';
  const lines = [];
  let line = '';
  for (const part of parts) {
    if (line && prefix.length + line.length + 1 + part.length > 78) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line} ${part}` : part;
  }
  lines.push(line, 'tracks [tracks ...]');
  return `${prefix}${lines.join(`\n${' '.repeat(prefix.length)}`)}\n`;
}
function invocation(o) {
  const metavar = o.choices ? `{${o.choices.join(',')}}` : o.metavar;
  return o.flag ? o.flags[0] : `${o.flags[0]} ${metavar}`;
}

function argError(message) {
  eprint(`${usage()}demucs.separate: error: ${message}\n`);
  throw new Exit(2);
}

function convert(option, raw) {
  const name = option.flags.join('/');
  let value = raw;
  if (option.type === 'int') {
    if (!/^\s*[+-]?\d+\s*$/.test(raw)) argError(`argument ${name}: invalid int value: '${raw}'`);
    value = Number.parseInt(raw, 10);
  } else if (option.type === 'float') {
    const ok = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$|^\s*[+-]?(inf|infinity|nan)\s*$/i.test(raw);
    if (!ok) argError(`argument ${name}: invalid float value: '${raw}'`);
    value = Number(raw.replace(/inf(inity)?/i, 'Infinity'));
  }
  if (option.choices && !option.choices.includes(value)) {
    const shown = option.choices.map((c) => (typeof c === 'string' ? `'${c}'` : c)).join(', ');
    const got = typeof value === 'string' ? `'${value}'` : value;
    argError(`argument ${name}: invalid choice: ${got} (choose from ${shown})`);
  }
  return value;
}

function findLong(text) {
  const exact = OPTIONS.find((o) => o.flags.includes(text));
  if (exact) return exact;
  const matches = OPTIONS.filter((o) => o.flags.some((f) => f.startsWith('--') && f.startsWith(text)));
  if (matches.length > 1) {
    const names = matches.map((o) => o.flags.find((f) => f.startsWith(text))).join(', ');
    argError(`ambiguous option: ${text} could match ${names}`);
  }
  return matches[0];
}

function parseArgs(input) {
  const argv = [...input];
  const args = { ...DEFAULTS, tracks: [] };
  const extras = [];
  const seenInGroup = {};
  let positionalRuns = 0;
  let inPositionalRun = false;
  let dashDash = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const isOption = !dashDash && arg.startsWith('-') && arg !== '-' && !NEGATIVE_NUMBER.test(arg);
    if (!dashDash && arg === '--') {
      dashDash = true;
      continue;
    }
    if (!isOption) {
      if (!inPositionalRun) positionalRuns += 1;
      inPositionalRun = true;
      // argparse consumes `tracks` (nargs='+') once; a later run of positionals is left over.
      (positionalRuns === 1 ? args.tracks : extras).push(arg);
      continue;
    }
    inPositionalRun = false;
    let option;
    let explicit;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      option = findLong(eq > 0 ? arg.slice(0, eq) : arg);
      if (eq > 0) explicit = arg.slice(eq + 1);
    } else {
      option = OPTIONS.find((o) => o.flags.includes(arg.slice(0, 2)));
      // `-vn NAME` is `-v -n NAME`; `-nNAME` is `-n NAME`, as in argparse.
      if (arg.length > 2 && option?.flag) argv.splice(i + 1, 0, `-${arg.slice(2)}`);
      else if (arg.length > 2) explicit = arg.slice(2);
    }
    if (!option) {
      extras.push(arg);
      continue;
    }
    const name = option.flags.join('/');
    if (option.group) {
      const other = seenInGroup[option.group];
      if (other && other !== option) {
        argError(`argument ${name}: not allowed with argument ${other.flags.join('/')}`);
      }
      seenInGroup[option.group] = option;
    }
    if (option.dest === 'help') {
      process.stdout.write(`${usage()}\nSeparate the sources for the given tracks\n`);
      throw new Exit(0);
    }
    if (option.flag) {
      if (explicit !== undefined) argError(`argument ${name}: ignored explicit argument '${explicit}'`);
      args[option.dest] = true;
      continue;
    }
    let raw = explicit;
    if (raw === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-' && !NEGATIVE_NUMBER.test(next))) {
        argError(`argument ${name}: expected one argument`);
      }
      raw = next;
      i += 1;
    }
    args[option.dest] = convert(option, raw);
  }
  if (args.tracks.length === 0 && !args.listModels) argError('the following arguments are required: tracks');
  if (extras.length > 0) argError(`unrecognized arguments: ${extras.join(' ')}`);
  return args;
}

// ---------------------------------------------------------------- models (demucs/remote)

const HT_ROOT = 'hybrid_transformer/';
const FOUR = ['drums', 'bass', 'other', 'vocals'];
const WEIGHTS = [
  ...[
    '955717e8-8726e21a',
    'f7e0c4bc-ba3fe64a',
    'd12395a8-e57c48e6',
    '92cfc3b6-ef3bcb9c',
    '04573f0d-f3cf25b2',
  ],
  '5c90dfd2-34c22ccb',
].map((file) => ({ file: `${file}.th`, root: HT_ROOT, ht: true }));
WEIGHTS.push({ file: '75fc33f5-1941ce65.th', root: HT_ROOT, ht: false });
for (const file of [
  ...['0d19c1c6-0f06f20e', '7ecf8ec1-70f50cc9', 'c511e2ab-fe698775', '7d865c68-3d5dd56b'],
  ...['e51eebcc-c1b80bdd', 'a1d90b5c-ae9d2452', '5d2d6c55-db83574e', 'cfa93e08-61801ae1'],
  ...['6b9c2ca1-3fd82607', 'b72baf4e-8778635e', '42e558d4-196e0e1b', '305bc58f-18378783'],
  ...['83fc094f-4a16d450', '464b36d7-e5a9386e', '14fc6a69-a89dd0ee', '7fd6ef75-a905dd85'],
]) {
  WEIGHTS.push({ file: `${file}.th`, root: 'mdx_final/', ht: false });
}
const sigOf = (file) => file.split('-')[0].replace(/\.th$/, '');
const BAGS = {
  htdemucs: { models: ['955717e8'] },
  htdemucs_ft: { models: ['f7e0c4bc', 'd12395a8', '92cfc3b6', '04573f0d'] },
  htdemucs_6s: { models: ['5c90dfd2'] },
  hdemucs_mmi: { models: ['75fc33f5'], segment: 44 },
  mdx: { models: ['0d19c1c6', '7ecf8ec1', 'c511e2ab', '7d865c68'], segment: 44 },
  mdx_extra: { models: ['e51eebcc', 'a1d90b5c', '5d2d6c55', 'cfa93e08'], segment: 44 },
  mdx_q: { models: ['6b9c2ca1', 'b72baf4e', '42e558d4', '305bc58f'], segment: 44 },
  mdx_extra_q: { models: ['83fc094f', '464b36d7', '14fc6a69', '7fd6ef75'], segment: 44 },
};

function weightInfo(sig) {
  return WEIGHTS.find((w) => sigOf(w.file) === sig) ?? { file: `${sig}.th`, root: HT_ROOT, ht: true };
}

/** Resolves `-n` like demucs's AnyModelRepo: a signature is one model, a yaml name a bag. */
function loadModel(name, repo) {
  let sigs;
  let bagSegment;
  let isBag = false;
  if (repo === undefined) {
    if (WEIGHTS.some((w) => sigOf(w.file) === name)) sigs = [name];
    else if (BAGS[name]) [sigs, bagSegment, isBag] = [BAGS[name].models, BAGS[name].segment, true];
  } else {
    let entries;
    try {
      entries = readdirSync(repo);
    } catch {
      fatal(`${pyPath(repo)} must exist and be a directory.`);
    }
    const local = new Set(entries.filter((f) => f.endsWith('.th')).map(sigOf));
    if (local.has(name)) sigs = [name];
    else if (entries.includes(`${name}.yaml`)) {
      const yaml = readFileSync(resolve(repo, `${name}.yaml`), 'utf8');
      sigs = [...(/models:\s*\[([^\]]*)\]/.exec(yaml)?.[1] ?? '').matchAll(/[\w-]+/g)].map((m) => m[0]);
      bagSegment = Number(/segment:\s*([\d.]+)/.exec(yaml)?.[1]) || undefined;
      isBag = true;
      const absent = sigs.find((sig) => !local.has(sig));
      if (absent) fatal(`Could not find pre-trained model with signature ${absent}.`);
    }
  }
  if (!sigs) fatal(`${name} is neither a single pre-trained model or a bag of models.`);
  const infos = sigs.map(weightInfo);
  const ht = infos.some((w) => w.ht);
  return {
    isBag,
    infos,
    sources: sigs.includes('5c90dfd2') ? [...FOUR, 'guitar', 'piano'] : FOUR,
    segment: bagSegment && !ht ? bagSegment : ht ? 7.8 : 44,
    maxSegment: ht ? 7.8 : Infinity,
  };
}

// ---------------------------------------------------------------- tqdm emulation

/** Python's str(float): shortest round-trip digits, always with a decimal point. */
const pyFloat = (x) => (Number.isInteger(x) ? x.toFixed(1) : String(x));
const pad2 = (n) => String(n).padStart(2, '0');
function formatInterval(seconds) {
  const total = Math.trunc(seconds);
  const [h, m, s] = [Math.trunc(total / 3600), Math.trunc(total / 60) % 60, total % 60];
  return h ? `${h}:${pad2(m)}:${pad2(s)}` : `${pad2(m)}:${pad2(s)}`;
}
/** `{x:3.0f}`: Python rounds half to even. */
function pyRound0(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
function formatSizeof(num, suffix = '', divisor = 1000) {
  for (const unit of ['', 'k', 'M', 'G', 'T']) {
    if (Math.abs(num) < 999.5) {
      if (Math.abs(num) < 99.95) {
        return Math.abs(num) < 9.995
          ? `${num.toFixed(2)}${unit}${suffix}`
          : `${num.toFixed(1)}${unit}${suffix}`;
      }
      return `${num.toFixed(0).padStart(3)}${unit}${suffix}`;
    }
    num /= divisor;
  }
  return `${num.toFixed(1)}P${suffix}`;
}
function bar(frac, width) {
  const chars = ' ▏▎▍▌▋▊▉█';
  const eighths = Math.trunc(frac * width * 8);
  const full = Math.trunc(eighths / 8);
  if (full >= width) return '█'.repeat(width);
  return '█'.repeat(full) + chars[eighths % 8] + ' '.repeat(width - full - 1);
}

/** One tqdm redraw: `n`/`total` already scaled to the shown unit, `rate` in units per second. */
function meter({ n, total, elapsed, rate, unit, ncols, sizes }) {
  const frac = n / total;
  const lBar = `${String(pyRound0(frac * 100)).padStart(3)}%|`;
  const fmt = (x) => (sizes ? formatSizeof(x, '', 1024) : pyFloat(x));
  let rateFmt = `?${unit}/s`;
  if (rate) {
    if (sizes) rateFmt = `${formatSizeof(rate)}${unit}/s`;
    else
      rateFmt =
        1 / rate > 1
          ? `${(1 / rate).toFixed(2).padStart(5)}s/${unit}`
          : `${rate.toFixed(2).padStart(5)}${unit}/s`;
  }
  const remaining = rate ? formatInterval((total - n) / rate) : '?';
  const rBar = `| ${fmt(n)}/${fmt(total)} [${formatInterval(elapsed)}<${remaining}, ${rateFmt}]`;
  return `${lBar}${bar(frac, ncols ? Math.max(1, ncols - lBar.length - rBar.length) : 10)}${rBar}`;
}

/** Draws one bar of `chunks` steps; `onFrame(pct)` may stop it (returns true). */
async function drawBar({ chunks, scale, unit, ncols, sizes, speed }, onFrame) {
  const total = sizes ? Math.round(chunks * scale) : chunks * scale;
  const shown = [0];
  const updates = Math.min(chunks, 10);
  for (let k = 1; k <= updates; k++) shown.push(Math.round((k * chunks) / updates));
  for (const [i, done] of shown.entries()) {
    const n = sizes ? Math.round(done * scale) : done * scale; // bytes are whole, seconds are not
    eprint(
      `\r${meter({ n, total, elapsed: n / speed, rate: done ? speed : undefined, unit, ncols, sizes })}`,
    );
    if (await onFrame(done / chunks)) return false;
    const next = shown[i + 1];
    // Paced like the real program: the next redraw comes when its chunks would be done.
    if (PACE && !sizes) await sleep(next === undefined ? 0 : (next - done) * scale * PACE * 1000);
    else await sleep(STEP_MS);
  }
  eprint(`\r${meter({ n: total, total, elapsed: total / speed, rate: speed, unit, ncols, sizes })}\n`);
  return true;
}

async function downloadWeights(model) {
  const torchHome = env.TORCH_HOME || resolve(env.XDG_CACHE_HOME || resolve(homedir(), '.cache'), 'torch');
  const size = 84_141_766; // 80.2M, as torch.hub prints it for 955717e8-8726e21a.th
  for (const { file, root } of model.infos) {
    const url = `https://dl.fbaipublicfiles.com/demucs/${root}${file}`;
    eprint(`Downloading: "${url}" to ${torchHome}/hub/checkpoints/${file}\n`);
    await drawBar({ chunks: 8, scale: size / 8, unit: 'B', ncols: 0, sizes: true, speed: 65e6 }, () => false);
  }
}

// ---------------------------------------------------------------- audio

function ffmpegPath() {
  if (env.FFMPEG_PATH) return env.FFMPEG_PATH;
  return createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg').path;
}

/** Runs ffmpeg; `onData` receives its stdout. Resolves with the exit code (-1 if it could not start). */
function runFfmpeg(args, onData = () => {}) {
  return new Promise((done) => {
    const child = spawn(ffmpegPath(), ['-nostdin', '-v', 'error', ...args], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.stdout.on('data', onData);
    child.on('error', (error) => done({ code: -1, missing: error.code === 'ENOENT' }));
    child.on('close', (code) => done({ code, missing: false }));
  });
}

const COS = new Float64Array(SR);
const SIN = new Float64Array(SR);
for (let k = 0; k < SR; k++) {
  [COS[k], SIN[k]] = [Math.cos((2 * Math.PI * k) / SR), Math.sin((2 * Math.PI * k) / SR)];
}

/**
 * Decodes like demucs's AudioFile (44.1 kHz stereo float) and measures each integer-Hz tone per channel
 * while the audio streams in, over whole seconds so each tone sits on an exact DFT bin. Returns
 * `{ frames, tones: { [hz]: { la, lb, ra, rb } }, origin? }` where a channel's tone is
 * a·cos(ωi) − b·sin(ωi); `origin` (the interleaved input) only when `keep` asks for it.
 */
async function loadTrack(track, frequencies, keep) {
  const count = frequencies.length;
  const steps = Int32Array.from(frequencies);
  const ks = new Int32Array(count);
  // Per tone: cos·left, sin·left, cos·right, sin·right, for whole seconds (full) and the current one (part).
  const full = new Float64Array(4 * count);
  const part = new Float64Array(4 * count);
  const kept = [];
  let carry = Buffer.alloc(0);
  let frames = 0;
  const result = await runFfmpeg(
    ['-i', track, '-f', 'f32le', '-acodec', 'pcm_f32le', '-ac', '2', '-ar', `${SR}`, 'pipe:1'],
    (chunk) => {
      const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const usable = buf.length - (buf.length % 8);
      const view = new DataView(buf.buffer, buf.byteOffset, usable);
      for (let at = 0; at < usable; at += 8) {
        const left = view.getFloat32(at, true);
        const right = view.getFloat32(at + 4, true);
        for (let t = 0; t < count; t++) {
          const k = ks[t];
          const c = COS[k];
          const s = SIN[k];
          const o = 4 * t;
          part[o] += left * c;
          part[o + 1] += left * s;
          part[o + 2] += right * c;
          part[o + 3] += right * s;
          const next = k + steps[t];
          ks[t] = next >= SR ? next - SR : next;
        }
        frames += 1;
        if (frames % SR === 0) {
          for (let j = 0; j < part.length; j++) full[j] += part[j];
          part.fill(0);
        }
      }
      if (keep) kept.push(buf.subarray(0, usable));
      carry = Buffer.from(buf.subarray(usable));
    },
  );
  if (result.code === 0 && frames > 0) {
    const n = frames >= SR ? Math.floor(frames / SR) * SR : frames;
    const sums = frames >= SR ? full : part;
    const tones = {};
    frequencies.forEach((f, t) => {
      const [cl, sl, cr, sr] = sums.subarray(4 * t, 4 * t + 4);
      tones[f] = { la: (2 * cl) / n, lb: (-2 * sl) / n, ra: (2 * cr) / n, rb: (-2 * sr) / n };
    });
    const origin = keep ? new Float32Array(new Uint8Array(Buffer.concat(kept)).buffer) : undefined;
    return { frames, tones, origin };
  }
  // Demucs 4.0.1 (the version the image pins) prints the reason on STDOUT and exits 1, no traceback
  // (captured: test/fixtures/demucs/err-corrupt.stdout); 4.1 raised LoadAudioError instead.
  const why = result.missing ? 'FFmpeg is not installed.' : 'FFmpeg could not read the file.';
  print(`Could not load file ${pyPath(track)}. Maybe it is not a supported file format? `);
  print(`When trying to load using ffmpeg, got the following error: ${why}`);
  print(
    `When trying to load using torchaudio, got the following error: Failed to open the input "${pyPath(track)}" (Invalid data found when processing input).`,
  );
  throw new Exit(1);
}

const BLOCK = 8192;

/** Renders frames [start, start + count) of a stem, interleaved, into `out`: its sines (plus the input for minus_STEM). */
function renderBlock({ parts, origin }, start, count, out) {
  for (let i = 0; i < 2 * count; i++) out[i] = origin ? origin[2 * start + i] : 0;
  for (const p of parts) {
    let k = (p.f * start) % SR;
    for (let i = 0; i < count; i++) {
      out[2 * i] += p.la * COS[k] - p.lb * SIN[k];
      out[2 * i + 1] += p.ra * COS[k] - p.rb * SIN[k];
      k += p.f;
      if (k >= SR) k -= SR;
    }
  }
}

/** demucs.audio.prevent_clip: `rescale` divides the whole stem by max(1.01·peak, 1), `clamp` clips at ±0.99. */
function clipFor(stem, frames, mode) {
  if (mode !== 'rescale') return { mode, divisor: 1 };
  // Integer-Hz sines repeat every second, so one second holds the peak (the input itself does not).
  const span = stem.origin ? frames : Math.min(frames, SR);
  const out = new Float64Array(2 * BLOCK);
  let peak = 0;
  for (let start = 0; start < span; start += BLOCK) {
    const count = Math.min(BLOCK, span - start);
    renderBlock(stem, start, count, out);
    for (let i = 0; i < 2 * count; i++) peak = Math.max(peak, Math.abs(out[i]));
  }
  return { mode, divisor: Math.max(1.01 * peak, 1) };
}

function wavHeader(frames, bits, float) {
  const bytesPer = bits / 8;
  const dataBytes = frames * 2 * bytesPer;
  const fmtSize = float ? 18 : 16;
  const buf = Buffer.alloc(12 + 8 + fmtSize + (float ? 12 : 0) + 8);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(buf.length - 8 + dataBytes, 4);
  buf.write('WAVEfmt ', 8, 'ascii');
  buf.writeUInt32LE(fmtSize, 16);
  buf.writeUInt16LE(float ? 3 : 1, 20);
  buf.writeUInt16LE(2, 22);
  buf.writeUInt32LE(SR, 24);
  buf.writeUInt32LE(SR * 2 * bytesPer, 28);
  buf.writeUInt16LE(2 * bytesPer, 32);
  buf.writeUInt16LE(bits, 34);
  let at = 36;
  if (float) {
    buf.writeUInt16LE(0, at); // cbSize, then the fact chunk that non-PCM WAVs carry
    buf.write('fact', at + 2, 'ascii');
    buf.writeUInt32LE(4, at + 6);
    buf.writeUInt32LE(frames, at + 10);
    at += 14;
  }
  buf.write('data', at, 'ascii');
  buf.writeUInt32LE(dataBytes, at + 4);
  return buf;
}

/** Writes a stereo WAV (PCM 16/24 or IEEE float 32) block by block, so a long stem never sits in memory. */
function writeWav(path, stem, frames, clip, bits, float) {
  const bytesPer = bits / 8;
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, wavHeader(frames, bits, float));
    const bytes = new Uint8Array(2 * BLOCK * bytesPer);
    const view = new DataView(bytes.buffer);
    const full = 2 ** (bits - 1) - 1;
    const out = new Float64Array(2 * BLOCK);
    for (let start = 0; start < frames; start += BLOCK) {
      const count = Math.min(BLOCK, frames - start);
      renderBlock(stem, start, count, out);
      for (let i = 0, at = 0; i < 2 * count; i++, at += bytesPer) {
        let y = out[i] / clip.divisor;
        if (clip.mode === 'clamp') y = Math.min(0.99, Math.max(-0.99, y));
        if (float) {
          view.setFloat32(at, y, true);
          continue;
        }
        const v = y * full;
        const q = v >= full ? full : v <= -full - 1 ? -full - 1 : v >= 0 ? (v + 0.5) | 0 : -((0.5 - v) | 0);
        bytes[at] = q;
        bytes[at + 1] = q >> 8;
        if (bits === 24) bytes[at + 2] = q >> 16;
      }
      writeSync(fd, bytes, 0, 2 * count * bytesPer);
    }
  } finally {
    closeSync(fd);
  }
}

/** demucs.audio.save_audio: the format follows the path's suffix, not the flags. */
async function saveAudio(stem, frames, path, args) {
  const suffix = extname(path).toLowerCase();
  const bits = args.int24 ? 24 : 16;
  const clip = clipFor(stem, frames, args.clipMode);
  if (suffix === '.wav') {
    return writeWav(path, stem, frames, clip, args.float32 ? 32 : bits, args.float32);
  }
  if (suffix !== '.flac' && suffix !== '.mp3') {
    traceback(
      [
        [`${SITE}/demucs/separate.py`, 187, 'main', 'save_audio(source, str(stem), **kwargs)'],
        [
          `${SITE}/demucs/audio.py`,
          267,
          'save_audio',
          'raise ValueError(f"Invalid suffix for path: {suffix}")',
        ],
      ],
      `ValueError: Invalid suffix for path: ${suffix}`,
    );
  }
  const tmp = `${path}.fake-demucs.wav`;
  writeWav(tmp, stem, frames, clip, 32, true);
  const codec =
    suffix === '.mp3'
      ? ['-c:a', 'libmp3lame', '-b:a', `${args.mp3Bitrate}k`]
      : [
          '-c:a',
          'flac',
          '-sample_fmt',
          bits === 24 ? 's32' : 's16',
          ...(bits === 24 ? ['-bits_per_raw_sample', '24'] : []),
        ];
  await runFfmpeg(['-y', '-i', tmp, ...codec, path]);
  await rm(tmp, { force: true });
}

// ---------------------------------------------------------------- main

/** pathlib's str(Path(p)): no `.` parts, no doubled or trailing slashes. */
function pyPath(p) {
  const parts = p.split('/').filter((part) => part && part !== '.');
  return (p.startsWith('/') ? '/' : '') + parts.join('/') || '.';
}

/** str.format with the four variables demucs passes; an unknown field is a KeyError like Python's. */
function formatTemplate(template, vars) {
  return template.replace(/\{\{|\}\}|\{([^{}:!]*)[^{}]*\}/g, (match, key) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    if (!(key in vars)) {
      traceback(
        [[`${SITE}/demucs/separate.py`, 180, 'main', 'stem = out / args.filename.format(']],
        `KeyError: '${key}'`,
      );
    }
    return vars[key];
  });
}

function logInvocation(argv) {
  if (!LOG) return;
  const entry = {
    argv,
    cwd: process.cwd(),
    pid: process.pid,
    startedAt: new Date().toISOString(),
    env: { PYTHONUNBUFFERED: null, TORCH_HOME: null, ...env },
  };
  appendFileSync(LOG, `${JSON.stringify(entry)}\n`);
}

function checkDevice(device) {
  const frames = [
    [`${SITE}/demucs/separate.py`, 162, 'main', 'origin, res = separator.separate_audio_file(track)'],
  ];
  if (/^cuda(:\d+)?$/.test(device)) {
    frames.push(
      [`${SITE}/demucs/apply.py`, 212, 'apply_model', 'sub_model.to(device)'],
      [`${SITE}/torch/nn/modules/module.py`, 1174, 'to', 'return self._apply(convert)'],
      [
        `${SITE}/torch/cuda/__init__.py`,
        305,
        '_lazy_init',
        'raise AssertionError("Torch not compiled with CUDA enabled")',
      ],
    );
    traceback(frames, 'AssertionError: Torch not compiled with CUDA enabled');
  }
  if (device === 'mps') traceback(frames, 'RuntimeError: PyTorch is not linked with support for mps devices');
  if (device !== 'cpu') {
    traceback(
      frames,
      `RuntimeError: Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, ort, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: ${device}`,
    );
  }
}

/** The tqdm bars of apply_model for one track; stops early for the oom and hang modes. */
async function separateWithProgress(model, args, frames) {
  if (args.noSplit) return; // apply_model draws no bar without split
  const segmentLength = Math.round(SR * (args.segment ?? model.segment) * 1e6) / 1e6;
  const stride = Math.trunc((1 - args.overlap) * Math.trunc(segmentLength));
  const scale = Number((stride / SR).toFixed(2));
  const shifts = Math.max(args.shifts, 1);
  const bars = model.infos.length * shifts;
  const stopAt = { oom: 0.5, hang: 0.4 }[MODE];
  for (let b = 0; b < bars; b++) {
    // Each shift pads by a random 0–0.5 s, so the chunk count (and the total) varies like in demucs.
    const length = args.shifts > 0 ? frames + SR / 2 - Math.floor(Math.random() * (SR / 2 + 1)) : frames;
    const chunks = Math.max(MIN_CHUNKS, Math.ceil(length / stride));
    await drawBar({ chunks, scale, unit: 'seconds', ncols: 120, speed: SPEED }, async (frac) => {
      // A bar's 100 % redraws are the same overall point as the next bar's 0 %: stop in the next bar.
      if (stopAt === undefined || frac === 1 || (b + frac) / bars < stopAt) return false;
      if (MODE === 'oom') process.kill(process.pid, 'SIGKILL');
      setInterval(() => {}, 1 << 30); // hang: keep the process alive until a signal ends it
      await new Promise(() => {});
      return true;
    });
  }
}

/** The stems to write, as `[name, { parts, origin? }]`: each stem is its measured tone (none for guitar/piano). */
function stemSignals(model, args, loaded) {
  const parts = (stem, sign = 1) => {
    const tone = loaded.tones[STEM_TONES[stem]];
    if (!tone) return [];
    const { la, lb, ra, rb } = tone;
    return [{ f: STEM_TONES[stem], la: sign * la, lb: sign * lb, ra: sign * ra, rb: sign * rb }];
  };
  if (!args.stem) return model.sources.map((s) => [s, { parts: parts(s) }]);
  const out = [];
  if (args.otherMethod === 'minus') {
    out.push([`minus_${args.stem}`, { parts: parts(args.stem, -1), origin: loaded.origin }]);
  }
  out.push([args.stem, { parts: parts(args.stem) }]);
  if (args.otherMethod === 'add') {
    const rest = model.sources.filter((s) => s !== args.stem).flatMap((s) => parts(s));
    out.push([`no_${args.stem}`, { parts: rest }]);
  }
  return out;
}

async function main() {
  const argv = process.argv.slice(2);
  logInvocation(argv);
  if (!['ok', 'missing-stem', 'crash', 'oom', 'hang'].includes(MODE)) {
    eprint(`fake-demucs: unknown FAKE_DEMUCS_MODE ${MODE}\n`);
    throw new Exit(3);
  }
  const args = parseArgs(argv);
  if (args.listModels) {
    print(`Bag of models:\n    ${Object.keys(BAGS).join('\n    ')}`);
    print(`Single models:\n    ${WEIGHTS.map((w) => sigOf(w.file)).join('\n    ')}`);
    throw new Exit(0);
  }
  if (args.name === undefined) {
    args.name = 'htdemucs';
    print(
      `${BOLD('Important: the default model was recently changed to `htdemucs`')} the latest Hybrid Transformer ` +
        'Demucs model. In some cases, this model can actually perform worse than previous models. ' +
        'To get back the old default model use `-n mdx_extra_q`.',
    );
  }
  const model = loadModel(args.name, args.repo);
  if (env.FAKE_DEMUCS_DOWNLOAD === '1' && args.repo === undefined) await downloadWeights(model);
  if (args.segment !== undefined && args.segment > model.maxSegment) {
    fatal(
      `Cannot use a Transformer model with a longer segment than it was trained for. Maximum segment is: ${model.maxSegment}`,
    );
  }
  if (model.isBag) {
    print(
      `Selected model is a bag of ${model.infos.length} models. You will see that many progress bars per track.`,
    );
  }
  if (args.stem !== undefined && !model.sources.includes(args.stem)) {
    fatal(
      `error: stem "${args.stem}" is not in selected model. STEM must be one of ${model.sources.join(', ')}.`,
    );
  }
  const out = pyPath(`${args.out}/${args.name}`);
  mkdirSync(out, { recursive: true });
  print(`Separated tracks will be stored in ${realpathSync(out)}`);
  for (const track of args.tracks) {
    if (!existsSync(track)) {
      eprint(
        `File ${pyPath(track)} does not exist. If the path contains spaces, ` +
          'please try again after surrounding the entire path with quotes "".\n',
      );
      continue;
    }
    print(`Separating track ${pyPath(track)}`);
    const minus = args.stem !== undefined && args.otherMethod === 'minus';
    const loaded = await loadTrack(track, Object.values(STEM_TONES), minus);
    const frames = loaded.frames;
    checkDevice(args.device);
    await separateWithProgress(model, args, frames);
    const name = pyPath(track).split('/').pop();
    const dot = name.lastIndexOf('.');
    const ext = args.mp3 ? 'mp3' : args.flac ? 'flac' : 'wav';
    const vars = { track: dot < 0 ? name : name.slice(0, dot), trackext: name.slice(dot + 1), ext };
    for (const [stem, signal] of stemSignals(model, args, loaded)) {
      const relative = formatTemplate(args.filename, { ...vars, stem });
      const path = pyPath(relative.startsWith('/') ? relative : `${out}/${relative}`);
      if (MODE === 'crash') {
        traceback(
          [
            [`${SITE}/demucs/separate.py`, 187, 'main', 'save_audio(source, str(stem), **kwargs)'],
            [`${SITE}/demucs/audio.py`, 265, 'save_audio', 'ta.save(str(path), wav, sample_rate=samplerate,'],
            [
              `${SITE}/torchaudio/_backend/utils.py`,
              311,
              'save',
              'backend = dispatcher(uri, format, backend)',
            ],
            [
              `${SITE}/torchaudio/_backend/utils.py`,
              221,
              'dispatcher',
              'raise RuntimeError(f"Couldn\'t find appropriate backend to handle uri {uri} and format {format}.")',
            ],
          ],
          `RuntimeError: Couldn't find appropriate backend to handle uri ${path} and format None.`,
        );
      }
      if (MODE === 'missing-stem' && stem === 'vocals') continue;
      mkdirSync(dirname(resolve(path)), { recursive: true });
      await saveAudio(signal, frames, path, args);
    }
  }
}

try {
  await main();
  flushStdout();
} catch (error) {
  if (!(error instanceof Exit)) throw error;
  flushStdout();
  process.exitCode = error.code;
}
