import { createRequire } from 'node:module';
import { execa } from 'execa';
import { UserFacingError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { describeRecipe, STEMS } from './stems.ts';
import type { RemixRecipe, Stem } from './stems.ts';

/**
 * ffmpeg for decoding and mixing. The filter graphs stay within what the 2018 static ffmpeg 4.1 in
 * @ffmpeg-installer understands (no `amix normalize=0`, no `alimiter latency`), so they behave the same
 * there and on Debian's ffmpeg 5.1 (notes/remix.md §4).
 */

/** Demucs rescales each stem on its own when one would clip (its default `--clip-mode rescale`), which
 * breaks the stems' relative levels. Feeding it the track 6 dB quieter avoids that; the mix adds it back. */
export const HEADROOM_DB = 6;
/** The limiter's ceiling: −1 dBFS, so a boosted stem never clips the MP3. */
const LIMIT = 0.891;

export function resolveFfmpeg(configured: string | undefined): string {
  if (configured) return configured;
  const require = createRequire(import.meta.url);
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

export interface FfmpegRunner {
  run(args: readonly string[], signal?: AbortSignal): Promise<void>;
}

/** `env` is the whole environment ffmpeg gets (config.remix.childEnv): never the bot's secrets. */
export function createFfmpeg(
  path: string,
  logger: Logger,
  env: Readonly<Record<string, string>>,
): FfmpegRunner {
  return {
    async run(args, signal) {
      const result = await execa(path, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args], {
        cancelSignal: signal,
        reject: false,
        stdin: 'ignore',
        extendEnv: false,
        env,
      });
      if (result.isCanceled) throw signal?.reason ?? new Error('cancelled');
      if (result.failed) {
        const code = (result as { code?: string }).code;
        logger.error(
          { ffmpeg: path, exitCode: result.exitCode, stderr: String(result.stderr).slice(-2000), code },
          code === 'ENOENT' ? 'ffmpeg not found: set FFMPEG_PATH or install ffmpeg' : 'ffmpeg failed',
        );
        throw new UserFacingError(
          code === 'ENOENT'
            ? 'AI remix needs ffmpeg, which is not installed on this server. An admin needs to set FFMPEG_PATH.'
            : 'ffmpeg could not process this track. An admin can find the details in the bot’s log.',
        );
      }
    },
  };
}

/**
 * The track as Demucs should see it: 44.1 kHz stereo float WAV, `HEADROOM_DB` quieter; only `excerpt` of it
 * for a preview (`-ss`/`-t` as input options: ffmpeg seeks in the source, so a preview decodes 30 s, not 4 min).
 */
export function decodeArgs(
  input: string,
  output: string,
  excerpt?: { startS: number; lengthS: number },
): string[] {
  const cut = excerpt ? ['-ss', String(excerpt.startS), '-t', String(excerpt.lengthS)] : [];
  return [
    ...cut,
    '-i',
    input,
    '-vn',
    '-af',
    `volume=-${HEADROOM_DB}dB`,
    '-c:a',
    'pcm_f32le',
    '-ar',
    '44100',
    '-ac',
    '2',
    output,
  ];
}

/** Mono signed 16-bit PCM at `sampleRate`: enough to find a track's loudest part, and small (4 min ≈ 1.9 MB). */
export function energyArgs(input: string, output: string, sampleRate: number): string[] {
  return ['-i', input, '-vn', '-ac', '1', '-ar', String(sampleRate), '-f', 's16le', output];
}

/** Four stem WAVs to four FLACs in one ffmpeg run (lossless, about half the disk of the WAVs). */
export function compressArgs(inputs: Record<Stem, string>, outputs: Record<Stem, string>): string[] {
  const args: string[] = [];
  for (const stem of STEMS) args.push('-i', inputs[stem]);
  STEMS.forEach((stem, i) => args.push('-map', `${i}:a`, '-c:a', 'flac', outputs[stem]));
  return args;
}

/**
 * The remix graph: each stem's gain, `amix` (which divides by its input count, so `volume=4` undoes it),
 * the headroom added back, then a limiter with `level=0` (its default auto-level would add make-up gain).
 */
export function mixArgs(
  stems: Record<Stem, string>,
  recipe: RemixRecipe,
  bitrateKbps: number,
  output: string,
  tags: { title?: string; artist?: string; album?: string },
): string[] {
  const args: string[] = [];
  for (const stem of STEMS) args.push('-i', stems[stem]);
  const gains = STEMS.map((stem, i) => `[${i}]volume=${stem === recipe.stem ? recipe.db : 0}dB[s${i}]`);
  const inputs = STEMS.map((_, i) => `[s${i}]`).join('');
  const graph =
    `${gains.join(';')};${inputs}amix=inputs=${STEMS.length}:duration=longest:dropout_transition=0,` +
    `volume=${STEMS.length},volume=${HEADROOM_DB}dB,alimiter=limit=${LIMIT}:attack=5:release=50:level=0,aresample=44100`;
  args.push('-filter_complex', graph, '-ac', '2', '-c:a', 'libmp3lame', '-b:a', `${bitrateKbps}k`);
  args.push('-id3v2_version', '3');
  const title = tags.title ? `${tags.title} (${describeRecipe(recipe)})` : describeRecipe(recipe);
  args.push('-metadata', `title=${title}`);
  if (tags.artist) args.push('-metadata', `artist=${tags.artist}`);
  if (tags.album) args.push('-metadata', `album=${tags.album}`);
  args.push(output);
  return args;
}
