import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Logger } from '../../logger.ts';
import type { PlexService } from '../plex/client.ts';
import { separate } from './demucs.ts';
import type { DemucsOptions } from './demucs.ts';
import { compressArgs, decodeArgs } from './ffmpeg.ts';
import type { FfmpegRunner } from './ffmpeg.ts';
import type { JobUpdate } from './queue.ts';
import { STEMS } from './stems.ts';
import type { Stem } from './stems.ts';
import type { RemixTrack } from './track.ts';

/** Part of a track, in seconds: what a preview separates. */
export interface Excerpt {
  startS: number;
  lengthS: number;
}

/** What a separation needs of the track: enough to fetch it from Plex and name it. */
export type SeparationTrack = Pick<RemixTrack, 'ratingKey' | 'title' | 'partKey' | 'durationS'>;

/**
 * One separation, as the bot asks for it and a remote worker receives it: plain data (it travels as a queue
 * job, with only SeparationTrack's fields), never a credential. The worker fetches the track from its own
 * Plex with its own token. The bot's side carries the whole RemixTrack (its cache key needs the part).
 */
export interface Separation<Track extends SeparationTrack = SeparationTrack> {
  track: Track;
  /** The Demucs model (the bot's, or its preview model), so stems separated anywhere match its cache key. */
  model: string;
  /** Only part of the track (a preview), in seconds; absent = the whole track. Applied when decoding. */
  excerpt?: Excerpt;
}

/** Writes the four FLAC stems to the files named. */
export type WriteStems = (files: Record<Stem, string>) => Promise<void>;

export interface SeparatorDeps {
  plex: Pick<PlexService, 'downloadPart'>;
  ffmpeg(): FfmpegRunner;
  /** Demucs as this process runs it (command, device, extra args); the model comes from the separation. */
  demucs: DemucsOptions;
  /** Scratch folders go under here, one per separation or mix, removed afterwards. */
  workRoot: string;
  logger: Logger;
}

/** A fresh scratch folder for `use`, removed afterwards whatever happens. */
export async function withWorkDir<T>(root: string, use: (dir: string) => Promise<T>): Promise<T> {
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(join(root, 'remix-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** FLAC file names for the four stems in `dir`. */
export function flacFiles(dir: string): Record<Stem, string> {
  return Object.fromEntries(STEMS.map((stem) => [stem, join(dir, `${stem}.flac`)])) as Record<Stem, string>;
}

/**
 * Download → decode with headroom → Demucs → FLAC stems. `store` decides where the stems go (the bot's
 * cache, or a remote worker's reply): it calls `write` with the files it wants, inside the scratch folder's
 * lifetime (`dir` may hold them).
 */
export function runSeparation<T>(
  deps: SeparatorDeps,
  separation: Separation,
  signal: AbortSignal,
  report: (update: JobUpdate) => void,
  store: (write: WriteStems, dir: string) => Promise<T>,
): Promise<T> {
  const { track } = separation;
  return withWorkDir(deps.workRoot, async (dir) => {
    report({ phase: 'downloading' });
    const original = join(dir, `original${extname(track.partKey) || '.audio'}`);
    await deps.plex.downloadPart(track.partKey, original, signal);
    const input = join(dir, 'input.wav');
    await deps.ffmpeg().run(decodeArgs(original, input, separation.excerpt), signal);
    await rm(original, { force: true });
    report({ phase: 'separating', fraction: 0 });
    const started = Date.now();
    const demucs = { ...deps.demucs, model: separation.model };
    const stems = await separate(demucs, input, join(dir, 'separated'), signal, (fraction) =>
      report({ phase: 'separating', fraction }),
    );
    deps.logger.info(
      { ratingKey: track.ratingKey, model: separation.model, ms: Date.now() - started },
      'separated',
    );
    return store((files) => deps.ffmpeg().run(compressArgs(stems, files), signal), dir);
  });
}
