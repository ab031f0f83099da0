import { spawn } from 'node:child_process';
import { extname } from 'node:path';
import { STEM_TONES } from './demucs/stem-tones.mjs';

/**
 * Synthetic tracks made of integer-Hz sines, one tone per stem (../shared/notes/remix.md §5): what the remix
 * tests feed the fake Demucs, and what the demo's sample Plex serves so its stand-in separator has audio.
 */

export { STEM_TONES };
export type StemName = keyof typeof STEM_TONES;
export const STEM_NAMES = Object.keys(STEM_TONES) as StemName[];
export const SAMPLE_RATE = 44_100;

export const dbToAmplitude = (db: number): number => 10 ** (db / 20);
export const amplitudeToDb = (amplitude: number): number => 20 * Math.log10(Math.max(amplitude, 1e-12));

export async function ffmpegPath(): Promise<string> {
  return process.env.FFMPEG_PATH ?? (await import('@ffmpeg-installer/ffmpeg')).default.path;
}

/** Runs ffmpeg, optionally feeding `stdin`; resolves with its stdout, rejects with its stderr. */
export async function runFfmpeg(args: readonly string[], stdin?: Uint8Array): Promise<Buffer> {
  const child = spawn(await ffmpegPath(), ['-nostdin', '-hide_banner', '-v', 'error', ...args], {
    stdio: 'pipe',
  });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  child.stdin.on('error', () => {}); // ffmpeg may exit before reading everything; its exit code tells why
  child.stdin.end(stdin);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`ffmpeg ${args.join(' ')} exited ${code}: ${err.trim()}`);
  return Buffer.concat(out);
}

/** Codec arguments by file extension; `codec` overrides (e.g. 'pcm_f32le' for a float WAV above 0 dBFS). */
function codecArgs(path: string, codec: string | undefined): string[] {
  if (codec) return ['-c:a', codec];
  switch (extname(path).toLowerCase()) {
    case '.wav':
      return ['-c:a', 'pcm_s16le'];
    case '.flac':
      return ['-c:a', 'flac', '-sample_fmt', 's16'];
    case '.mp3':
      return ['-c:a', 'libmp3lame', '-b:a', '320k'];
    case '.m4a':
      return ['-c:a', 'aac', '-b:a', '256k'];
    default:
      throw new Error(`writeSynthTrack: no codec known for ${path}`);
  }
}

export interface SynthTrackOptions {
  seconds: number;
  /** Tone frequency in Hz (integer, so whole-second windows are exact) → peak level in dBFS. */
  tones: Record<number, number>;
  sampleRate?: number;
  /** ffmpeg audio codec instead of the one the extension implies. */
  codec?: string;
}

/** Writes a stereo track (both channels equal) of summed sines, in the format the extension names. */
export async function writeSynthTrack(path: string, options: SynthTrackOptions): Promise<void> {
  const sampleRate = options.sampleRate ?? SAMPLE_RATE;
  const frames = Math.round(options.seconds * sampleRate);
  const tones = Object.entries(options.tones).map(([hz, db]) => [Number(hz), dbToAmplitude(db)] as const);
  const data = new Float32Array(frames * 2);
  for (let i = 0; i < frames; i++) {
    let y = 0;
    for (const [hz, amplitude] of tones)
      y += amplitude * Math.sin((2 * Math.PI * ((hz * i) % sampleRate)) / sampleRate);
    data[2 * i] = y;
    data[2 * i + 1] = y;
  }
  const input = ['-f', 'f32le', '-ar', String(sampleRate), '-ac', '2', '-i', 'pipe:0'];
  await runFfmpeg([...input, ...codecArgs(path, options.codec), '-y', path], new Uint8Array(data.buffer));
}

/** The standard test track: one tone per stem (STEM_TONES), each at `dbfs`. Returns the tone map. */
export async function synthStemTrack(
  path: string,
  seconds: number,
  dbfs = -20,
): Promise<Record<number, number>> {
  const tones = Object.fromEntries(STEM_NAMES.map((stem) => [STEM_TONES[stem], dbfs]));
  await writeSynthTrack(path, { seconds, tones });
  return tones;
}
