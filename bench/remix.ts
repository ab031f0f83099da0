/**
 * Issue 4: mixing + MP3 encoding of a 4-minute stereo track (target < 10 s on 2 cores), a remix end to end
 * with the fake separator (first run vs from cached stems), and the bot's peak RSS during the jobs
 * (target < 300 MB; the bot runs as its own process, Demucs and ffmpeg excluded). Issue 21: the time to the
 * CPU preview and to the full remix at the real Demucs pace (bench/remix-preview.ts).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../src/logger.ts';
import { createFfmpeg, mixArgs, resolveFfmpeg } from '../src/services/remix/ffmpeg.ts';
import { STEMS } from '../src/services/remix/stems.ts';
import type { Stem } from '../src/services/remix/stems.ts';
import { startFakeDiscord } from '../fakes/discord/index.ts';
import { generateLibrary } from '../fakes/library.ts';
import { startPlexFake } from '../fakes/plex.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';
import { STEM_TONES } from '../test/helpers/audio.ts';
import { benchRemixPreview } from './remix-preview.ts';
import { printTable } from './stats.ts';

const SECONDS = 240;
const RUNS = Number(process.env.BENCH_REMIX_RUNS ?? 3);
const FAKE_DEMUCS = fileURLToPath(new URL('../fakes/demucs/fake-demucs.mjs', import.meta.url));

/** Music-like stems: each a tone over pink noise, so the encoder has real work (a pure sine is too easy). */
function makeStems(ffmpeg: string, dir: string): Record<Stem, string> {
  const files = {} as Record<Stem, string>;
  for (const stem of STEMS) {
    files[stem] = join(dir, `${stem}.flac`);
    const source =
      `sine=frequency=${STEM_TONES[stem]}:sample_rate=44100:duration=${SECONDS}[t];` +
      `anoisesrc=color=pink:sample_rate=44100:amplitude=0.05:duration=${SECONDS}[n];[t][n]amix=inputs=2,volume=2`;
    execFileSync(ffmpeg, ['-loglevel', 'error', '-y', '-filter_complex', source, '-ac', '2', files[stem]]);
  }
  return files;
}

async function mixTimes(ffmpegPath: string, stems: Record<Stem, string>, dir: string): Promise<number[]> {
  const ffmpeg = createFfmpeg(ffmpegPath, createLogger({ level: 'silent', secrets: [] }), {
    PATH: process.env.PATH ?? '',
  });
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await ffmpeg.run(mixArgs(stems, { stem: 'vocals', db: -60 }, 320, join(dir, `out-${i}.mp3`), {}));
    times.push(performance.now() - started);
  }
  return times;
}

function peakRssMiB(pid: number): number {
  const kib = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return kib / 1024;
}

/** The built bot as a child process against the fakes: first remix (fake separation) and a cached one. */
async function endToEnd(trackFile: string) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
  const lib = generateLibrary({ artists: 2, albumsPerArtist: 1, tracksPerAlbum: 4, seed: 3 });
  const track = lib.tracks.at(-1)!;
  track.durationMs = SECONDS * 1000;
  const audio = readFileSync(trackFile);
  const [discord, tautulli, plex] = await Promise.all([
    startFakeDiscord(),
    startTautulliFake(),
    startPlexFake(lib, { partData: () => audio }),
  ]);
  const dataDir = mkdtempSync(join(tmpdir(), 'remix-bench-data-'));
  const child = spawn(process.execPath, ['dist/src/index.js'], {
    env: {
      PATH: process.env.PATH,
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.restApi,
      TAUTULLI_URL: tautulli.url,
      TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
      PLEX_URL: plex.url,
      PLEX_TOKEN: plex.token,
      DATA_DIR: dataDir,
      // The bot gives Demucs a minimal environment: the fake's setting goes on its command line.
      DEMUCS_COMMAND: `/usr/bin/env FAKE_DEMUCS_STEP_MS=0 ${FAKE_DEMUCS}`,
      // One separation, as these figures always measured; the preview has its own bench below.
      REMIX_PREVIEW_SECONDS: '0',
      // As in the Docker image when Debian's ffmpeg is installed; the bundled 4.1 build otherwise.
      ...(existsSync('/usr/bin/ffmpeg') ? { FFMPEG_PATH: '/usr/bin/ffmpeg' } : {}),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve) =>
    lines.on('line', (line) => line.includes('library index built') && resolve()),
  );
  const remix = async (stem: Stem) => {
    const started = performance.now();
    const interaction = await discord.slashCommand({
      name: 'alex',
      subcommand: 'reduce',
      options: [
        { name: 'track', value: track.ratingKey, type: 3 },
        { name: 'stem', value: stem, type: 3 },
      ],
    });
    const final = await discord.waitForRequest(
      (r) =>
        r.method === 'PATCH' &&
        r.path.endsWith(`/${interaction.token}/messages/@original`) &&
        r.files.length > 0,
      300_000,
    );
    return { ms: performance.now() - started, bytes: final.files[0]!.size };
  };
  try {
    const first = await remix('vocals');
    const cached = await remix('drums');
    return { first, cached, peakRssMiB: peakRssMiB(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await Promise.all([discord.stop(), tautulli.close(), plex.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchRemix() {
  const dir = mkdtempSync(join(tmpdir(), 'remix-bench-'));
  try {
    const bundled = resolveFfmpeg(undefined);
    const stems = makeStems(bundled, dir);
    const builds: Array<[string, string]> = [['bundled ffmpeg 4.1 (@ffmpeg-installer)', bundled]];
    if (existsSync('/usr/bin/ffmpeg')) builds.push(['Debian ffmpeg (/usr/bin/ffmpeg)', '/usr/bin/ffmpeg']);
    const mix: Record<string, number> = {};
    for (const [name, path] of builds) mix[name] = median(await mixTimes(path, stems, dir));
    const trackFile = join(dir, 'track.flac');
    execFileSync(bundled, [
      '-loglevel',
      'error',
      '-y',
      '-i',
      stems.drums,
      '-i',
      stems.bass,
      '-i',
      stems.other,
      '-i',
      stems.vocals,
      '-filter_complex',
      'amix=inputs=4,volume=2',
      trackFile,
    ]);
    const e2e = await endToEnd(trackFile);
    printTable(`Remix (${SECONDS / 60}-minute stereo track, fake separator; median of ${RUNS} mixes)`, [
      ...Object.entries(mix).map(([name, ms]): [string, string] => [
        `mix + MP3 320k encode, ${name}`,
        `${(ms / 1000).toFixed(1)} s`,
      ]),
      [
        'first remix end to end (download, decode, fake separation, FLAC cache, mix, upload)',
        `${(e2e.first.ms / 1000).toFixed(1)} s`,
      ],
      [
        `re-remix from cached stems, end to end (${existsSync('/usr/bin/ffmpeg') ? 'Debian' : 'bundled'} ffmpeg)`,
        `${(e2e.cached.ms / 1000).toFixed(1)} s`,
      ],
      ['MP3 uploaded', `${(e2e.cached.bytes / 2 ** 20).toFixed(1)} MiB`],
      [
        'bot peak RSS (VmHWM, its own process; Demucs and ffmpeg excluded)',
        `${e2e.peakRssMiB.toFixed(0)} MiB`,
      ],
    ]);
    const preview = await benchRemixPreview(trackFile, SECONDS);
    return {
      mixSeconds: Object.fromEntries(Object.entries(mix).map(([k, v]) => [k, v / 1000])),
      ...e2e,
      preview,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
