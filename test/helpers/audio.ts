import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { STEM_TONES } from '../../fakes/demucs/stem-tones.mjs';

/**
 * Audio fixtures and measurements for the remix tests (../../shared/notes/remix.md §5): synthetic tracks
 * made of integer-Hz sines, and a Goertzel filter over whole seconds so every tone sits exactly on a DFT
 * bin. That keeps a −60 dB tone measurable next to loud ones, which bandpass+volumedetect cannot do.
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

/** Decodes any file ffmpeg reads to float stereo at `sampleRate`. */
export async function decodeStereo(
  path: string,
  sampleRate = SAMPLE_RATE,
): Promise<{ left: Float32Array; right: Float32Array; sampleRate: number }> {
  const raw = await runFfmpeg(['-i', path, '-f', 'f32le', '-ac', '2', '-ar', String(sampleRate), 'pipe:1']);
  const frames = Math.floor(raw.length / 8);
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    left[i] = raw.readFloatLE(8 * i);
    right[i] = raw.readFloatLE(8 * i + 4);
  }
  return { left, right, sampleRate };
}

/** Decodes to mono by averaging the two channels (the synthetic tracks have equal channels). */
export async function decodeMono(
  path: string,
  sampleRate = SAMPLE_RATE,
): Promise<{ samples: Float32Array; sampleRate: number }> {
  const { left, right } = await decodeStereo(path, sampleRate);
  const samples = new Float32Array(left.length);
  for (let i = 0; i < left.length; i++) samples[i] = ((left[i] as number) + (right[i] as number)) / 2;
  return { samples, sampleRate };
}

/**
 * Peak level in dBFS of the tone `freq` within samples[start, start + n), by the Goertzel algorithm.
 * Exact when `freq · n / sampleRate` is an integer (integer Hz over whole seconds).
 */
export function toneDb(
  samples: Float32Array,
  sampleRate: number,
  freq: number,
  start: number,
  n: number,
): number {
  if (start < 0 || n <= 0 || start + n > samples.length) {
    throw new RangeError(`toneDb window [${start}, ${start + n}) is outside ${samples.length} samples`);
  }
  const c = 2 * Math.cos((2 * Math.PI * freq) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = (samples[start + i] as number) + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return amplitudeToDb((2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - c * s1 * s2))) / n);
}

/** Largest absolute sample value (linear; 1 = full scale). */
export function peak(samples: Float32Array): number {
  let max = 0;
  for (const x of samples) max = Math.max(max, Math.abs(x));
  return max;
}

/**
 * dBFS of each stem's tone in `file`, over the longest whole-second window after the first second
 * (skips encoder delay and limiter attack). Needs at least 2 s of audio.
 */
export async function stemLevels(file: string): Promise<Record<StemName, number>> {
  const { samples, sampleRate } = await decodeMono(file);
  const seconds = Math.floor(samples.length / sampleRate) - 1;
  if (seconds < 1) throw new Error(`stemLevels: ${file} is shorter than 2 s`);
  const levels = {} as Record<StemName, number>;
  for (const stem of STEM_NAMES) {
    levels[stem] = toneDb(samples, sampleRate, STEM_TONES[stem], sampleRate, seconds * sampleRate);
  }
  return levels;
}

export interface WavInfo {
  /** 1 = PCM, 3 = IEEE float (the sub-format for WAVE_FORMAT_EXTENSIBLE files). */
  formatTag: number;
  format: 'pcm' | 'float' | 'other';
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  frames: number;
  dataBytes: number;
}

/** Reads a WAV file's fmt and data chunk headers (other chunks such as fact, LIST or PEAK are skipped). */
export async function readWavInfo(path: string): Promise<WavInfo> {
  const file = await open(path);
  try {
    const { size } = await file.stat();
    const read = async (position: number, length: number) => {
      const buf = Buffer.alloc(length);
      await file.read(buf, 0, length, position);
      return buf;
    };
    const riff = await read(0, 12);
    if (riff.toString('ascii', 0, 4) !== 'RIFF' || riff.toString('ascii', 8, 12) !== 'WAVE') {
      throw new Error(`${path} is not a RIFF/WAVE file`);
    }
    let fmt: Buffer | undefined;
    for (let at = 12; at + 8 <= size;) {
      const head = await read(at, 8);
      const id = head.toString('ascii', 0, 4);
      const length = head.readUInt32LE(4);
      if (id === 'fmt ') fmt = await read(at + 8, length);
      if (id === 'data') {
        if (!fmt) throw new Error(`${path}: data chunk before fmt chunk`);
        let formatTag = fmt.readUInt16LE(0);
        if (formatTag === 0xfffe && fmt.length >= 26) formatTag = fmt.readUInt16LE(24);
        const blockAlign = fmt.readUInt16LE(12);
        const dataBytes = Math.min(length, size - at - 8); // streamed WAVs may carry a placeholder size
        return {
          formatTag,
          format: formatTag === 1 ? 'pcm' : formatTag === 3 ? 'float' : 'other',
          channels: fmt.readUInt16LE(2),
          sampleRate: fmt.readUInt32LE(4),
          bitsPerSample: fmt.readUInt16LE(14),
          frames: Math.floor(dataBytes / blockAlign),
          dataBytes,
        };
      }
      at += 8 + length + (length % 2);
    }
    throw new Error(`${path} has no data chunk`);
  } finally {
    await file.close();
  }
}
