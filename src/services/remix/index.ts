import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Config } from '../../config.ts';
import { UserFacingError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { PlexService } from '../plex/client.ts';
import type { SettingTable } from '../store/settings.ts';
import { createLocalBackend } from './backend.ts';
import type { SeparationBackend } from './backend.ts';
import { bitrateLadder, estimatedBytes, formatSize } from './bitrate.ts';
import { createFfmpeg, energyArgs, HEADROOM_DB, mixArgs, resolveFfmpeg } from './ffmpeg.ts';
import { RemixStoppedError } from './errors.ts';
import { ENERGY_SAMPLE_RATE, excerptFrom, loudestStart } from './excerpt.ts';
import { createLimit } from './limit.ts';
import type { CancelOutcome } from './queue.ts';
import { createSeparations } from './preview.ts';
import type { MixPreview, RemixPreview, SeparationUpdate } from './preview.ts';
import { createRemoteBackend } from './remote-backend.ts';
import { withWorkDir } from './separation.ts';
import type { Excerpt, Separation, SeparatorDeps } from './separation.ts';
import { createStemCache, stemKey } from './stem-cache.ts';
import { describeRecipe } from './stems.ts';
import type { RemixRecipe, Stem } from './stems.ts';
import { createThroughput } from './throughput.ts';
import { clock, remixTrack } from './track.ts';
import type { RemixTrack } from './track.ts';

export type { RemixPreview } from './preview.ts';
export type { RemixTrack } from './track.ts';
export type RemixUpdate =
  SeparationUpdate | { phase: 'mixing'; bitrateKbps: number } | { phase: 'uploading'; bytes: number };

export interface RemixRequest {
  track: RemixTrack;
  recipe: RemixRecipe;
  userId: string;
  /** The largest file this reply may carry (the interaction's attachment_size_limit). */
  sizeLimitBytes: number;
  /** Where the CPU preview starts, in seconds (the user's `start:`); undefined = the loudest part. */
  startS?: number | undefined;
  /**
   * Called each time the request waits for a separation (the preview's, then the full track's), with the job
   * id a Cancel button can name.
   */
  onJob?(jobId: string): void;
  onUpdate(update: RemixUpdate): void;
  /** Called with the preview's MP3 while the full track is separated (on a CPU); absent = no preview. */
  onPreview?(preview: RemixPreview): void;
}

export interface RemixOutput {
  name: string;
  data: Buffer;
  bitrateKbps: number;
  /** The stems came from the cache: no separation ran. */
  fromCache: boolean;
}

export interface RemixService {
  /** The track behind a rating key, with what a remix needs (length, media part); clear errors otherwise. */
  track(ratingKey: string): Promise<RemixTrack>;
  remix(request: RemixRequest): Promise<RemixOutput>;
  cancel(jobId: string, userId: string): CancelOutcome;
  /** Removes work folders and half-written cache entries left by a crash. Run once at start-up. */
  sweep(): Promise<void>;
  /** Shutdown: every job and mix stops and its requester is told "stopped: the bot restarted". */
  close(): void;
}

/** "Artist - Title (vocals -60 dB).mp3"; a long title is shortened, never the recipe or the preview's range. */
function fileName(track: RemixTrack, recipe: RemixRecipe, excerpt?: Excerpt): string {
  const clean = (text: string) => text.replace(/[^\p{L}\p{N} ()+.,'&-]/gu, '_');
  const base = [track.artist, track.title].filter(Boolean).join(' - ');
  const part = excerpt ? `, preview ${clock(excerpt.startS)}-${clock(excerpt.startS + excerpt.lengthS)}` : '';
  const suffix = clean(` (${describeRecipe(recipe).replace('−', '-')}${part})`);
  return `${clean(base).slice(0, 90 - suffix.length)}${suffix}.mp3`;
}

export function createRemixService(options: {
  config: Config['remix'];
  dataDir: string;
  plex: PlexService;
  logger: Logger;
  /** Where to look for a DEMUCS_COMMAND without a slash (the process's PATH). */
  searchPath: string;
  /** Where the measured Demucs speed per model is remembered between runs. */
  settings: Pick<SettingTable, 'getSetting' | 'setSetting'>;
}): RemixService {
  const { config, plex } = options;
  const logger = options.logger.child({ svc: 'remix' });
  const workRoot = join(options.dataDir, 'cache', 'work');
  const cache = createStemCache({
    root: join(options.dataDir, 'cache', 'stems'),
    maxBytes: config.cacheMaxBytes,
    logger,
  });
  // One signal for shutdown, so waiting or running mixes end with RemixStoppedError.
  const stopping = new AbortController();
  const mixes = createLimit(config.mixConcurrency);
  let ffmpeg: ReturnType<typeof createFfmpeg> | undefined;
  const getFfmpeg = () =>
    (ffmpeg ??= createFfmpeg(resolveFfmpeg(config.ffmpegPath), logger, config.childEnv));
  const deps: SeparatorDeps = {
    plex,
    ffmpeg: getFfmpeg,
    demucs: { ...config, command: config.demucsCommand, logger, env: config.childEnv },
    workRoot,
    logger,
  };
  const backend: SeparationBackend = config.queueUrl
    ? createRemoteBackend({ url: config.queueUrl, cache, queueMax: config.queueMax, logger })
    : createLocalBackend({
        deps,
        cache,
        concurrency: config.concurrency,
        queueMax: config.queueMax,
        searchPath: options.searchPath,
      });

  /** The cache entry of a separation: the track's file, how it was separated, and which part of it. */
  function keyOf({ track, model, excerpt }: Separation<RemixTrack>): string {
    return stemKey({
      ratingKey: track.ratingKey,
      partId: track.partId,
      partKey: track.partKey,
      partSize: track.partSize,
      model,
      extraArgs: config.extraArgs,
      headroomDb: HEADROOM_DB,
      // Absent for the full track, so the keys of stems cached before previews existed stay valid.
      ...(excerpt ? { excerpt } : {}),
    });
  }

  /** The track downloaded and decoded to low-rate mono, then its loudest window found (a few seconds). */
  function findLoudest(track: RemixTrack, lengthS: number): Promise<number> {
    const signal = stopping.signal;
    return withWorkDir(workRoot, async (dir) => {
      const original = join(dir, `original${extname(track.partKey) || '.audio'}`);
      await plex.downloadPart(track.partKey, original, signal);
      const pcm = join(dir, 'energy.pcm');
      await mixes.run(() => getFfmpeg().run(energyArgs(original, pcm, ENERGY_SAMPLE_RATE), signal), signal);
      return loudestStart(await readFile(pcm), ENERGY_SAMPLE_RATE, lengthS);
    });
  }

  type MixTarget = Pick<RemixRequest, 'track' | 'recipe' | 'sizeLimitBytes'>;
  async function mix(
    stems: Record<Stem, string>,
    request: MixTarget,
    ladder: number[],
    onUpdate: (update: RemixUpdate) => void,
  ) {
    const { track, recipe } = request;
    const signal = stopping.signal;
    return mixes.run(
      () =>
        withWorkDir(workRoot, async (dir) => {
          for (const kbps of ladder) {
            onUpdate({ phase: 'mixing', bitrateKbps: kbps });
            const out = join(dir, `remix-${kbps}.mp3`);
            const tags = { title: track.title, artist: track.artist, album: track.album };
            await getFfmpeg().run(mixArgs(stems, recipe, kbps, out, tags), signal);
            // The estimate is close but not exact (VBR-free CBR still varies by frames and tags): check.
            if ((await stat(out)).size <= request.sizeLimitBytes) return { data: await readFile(out), kbps };
            logger.info(
              { kbps, limit: request.sizeLimitBytes },
              'remix over the upload limit; stepping down',
            );
          }
          throw tooBig(track, request.sizeLimitBytes);
        }),
      signal,
    );
  }

  const separations = createSeparations({
    device: config.device,
    // Remote workers are there for a GPU, where the whole track takes less than a CPU's preview.
    previewSeconds: config.queueUrl ? 0 : config.previewSeconds,
    previewModel: config.previewModel,
    throughput: createThroughput({ settings: options.settings, logger }),
    cache,
    keyOf,
    submit: (key, userId, spec, onUpdate) => backend.submit(key, userId, spec, onUpdate),
    cancel: (jobId, userId) => backend.cancel(jobId, userId),
    loudestStart: findLoudest,
  });

  /** The preview mixed like the full remix, silently (the progress shows the full track's separation). */
  function previewMixer(request: RemixRequest): MixPreview {
    return async (stems, excerpt) => {
      const ladder = bitrateLadder(excerpt.lengthS, request.sizeLimitBytes);
      if (ladder.length === 0) return undefined;
      const { data, kbps } = await mix(stems, request, ladder, () => undefined);
      return { name: fileName(request.track, request.recipe, excerpt), data, bitrateKbps: kbps };
    };
  }

  function tooBig(track: RemixTrack, limit: number): UserFacingError {
    return new UserFacingError(
      `This remix would not fit in Discord: “${track.title}” is ${clock(track.durationS)} long, and even at 128 kbps (the lowest quality I upload) it would be about ${formatSize(estimatedBytes(track.durationS, 128))}, over this server’s ${formatSize(limit)} upload limit. Boosted servers allow bigger files.`,
    );
  }

  return {
    track: (ratingKey) => remixTrack(plex, ratingKey, config.maxTrackSeconds),

    async remix(request) {
      const { track } = request;
      // A start past the end is refused whether or not a preview runs: the user asked for something wrong.
      if (request.startS !== undefined) excerptFrom(request.startS, 1, track);
      const ladder = bitrateLadder(track.durationS, request.sizeLimitBytes);
      if (ladder.length === 0) throw tooBig(track, request.sizeLimitBytes);
      const full: Separation<RemixTrack> = { track, model: config.model };
      const key = keyOf(full);
      const unpin = cache.pin(key);
      try {
        let stems = await cache.get(key);
        const fromCache = stems !== null;
        if (stopping.signal.aborted) throw new RemixStoppedError();
        if (!stems) {
          await backend.check();
          stems = await separations.separate(request, full, key, previewMixer(request));
        }
        const { data, kbps } = await mix(stems, request, ladder, request.onUpdate);
        return { name: fileName(track, request.recipe), data, bitrateKbps: kbps, fromCache };
      } finally {
        unpin();
      }
    },

    cancel: (jobId, userId) => backend.cancel(jobId, userId),

    async sweep() {
      const names = await readdir(workRoot).catch(() => [] as string[]);
      await Promise.all(names.map((name) => rm(join(workRoot, name), { recursive: true, force: true })));
      if (names.length > 0)
        logger.info({ folders: names.length }, 'removed remix work folders left by a crash');
      await cache.sweep();
    },

    close() {
      if (stopping.signal.aborted) return;
      const reason = new RemixStoppedError();
      stopping.abort(reason);
      backend.close(reason);
    },
  };
}
