import { open } from 'node:fs/promises';
import { amplitudeToDb, runFfmpeg, SAMPLE_RATE, STEM_NAMES, STEM_TONES } from '../../fakes/audio.ts';
import type { StemName } from '../../fakes/audio.ts';

/**
 * Measurements for the remix tests (../../shared/notes/remix.md §5): a Goertzel filter over whole seconds so
 * every tone of the synthetic tracks (fakes/audio.ts) sits exactly on a DFT bin. That keeps a −60 dB tone
 * measurable next to loud ones, which bandpass+volumedetect cannot do.
 */

export {
  amplitudeToDb,
  dbToAmplitude,
  ffmpegPath,
  runFfmpeg,
  SAMPLE_RATE,
  STEM_NAMES,
  STEM_TONES,
  synthStemTrack,
  writeSynthTrack,
} from '../../fakes/audio.ts';
export type { StemName, SynthTrackOptions } from '../../fakes/audio.ts';

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
