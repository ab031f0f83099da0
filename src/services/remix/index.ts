import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config.ts';
import { UserFacingError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { PlexService } from '../plex/client.ts';
import { createLocalBackend } from './backend.ts';
import type { SeparationBackend } from './backend.ts';
import { bitrateLadder, estimatedBytes, formatSize } from './bitrate.ts';
import { createFfmpeg, HEADROOM_DB, mixArgs, resolveFfmpeg } from './ffmpeg.ts';
import { RemixStoppedError } from './errors.ts';
import { createLimit } from './limit.ts';
import type { CancelOutcome, JobUpdate } from './queue.ts';
import { createRemoteBackend } from './remote-backend.ts';
import { withWorkDir } from './separation.ts';
import type { SeparatorDeps } from './separation.ts';
import { createStemCache, stemKey } from './stem-cache.ts';
import { describeRecipe } from './stems.ts';
import type { RemixRecipe, Stem } from './stems.ts';
import { clock, remixTrack } from './track.ts';
import type { RemixTrack } from './track.ts';

export type { RemixTrack } from './track.ts';
export type RemixUpdate =
  JobUpdate | { phase: 'mixing'; bitrateKbps: number } | { phase: 'uploading'; bytes: number };

export interface RemixRequest {
  track: RemixTrack;
  recipe: RemixRecipe;
  userId: string;
  /** The largest file this reply may carry (the interaction's attachment_size_limit). */
  sizeLimitBytes: number;
  /** Called once the request waits for a separation, with the job id a Cancel button can name. */
  onJob?(jobId: string): void;
  onUpdate(update: RemixUpdate): void;
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

function fileName(track: RemixTrack, recipe: RemixRecipe): string {
  const base = [track.artist, track.title].filter(Boolean).join(' - ');
  const safe = `${base} (${describeRecipe(recipe).replace('−', '-')})`
    .replace(/[^\p{L}\p{N} ()+.,'&-]/gu, '_')
    .slice(0, 90);
  return `${safe}.mp3`;
}

export function createRemixService(options: {
  config: Config['remix'];
  dataDir: string;
  plex: PlexService;
  logger: Logger;
  /** Where to look for a DEMUCS_COMMAND without a slash (the process's PATH). */
  searchPath: string;
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

  async function mix(stems: Record<Stem, string>, request: RemixRequest, ladder: number[]) {
    const { track, recipe } = request;
    const signal = stopping.signal;
    return mixes.run(
      () =>
        withWorkDir(workRoot, async (dir) => {
          for (const kbps of ladder) {
            request.onUpdate({ phase: 'mixing', bitrateKbps: kbps });
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

  function tooBig(track: RemixTrack, limit: number): UserFacingError {
    return new UserFacingError(
      `This remix would not fit in Discord: “${track.title}” is ${clock(track.durationS)} long, and even at 128 kbps (the lowest quality I upload) it would be about ${formatSize(estimatedBytes(track.durationS, 128))}, over this server’s ${formatSize(limit)} upload limit. Boosted servers allow bigger files.`,
    );
  }

  return {
    track: (ratingKey) => remixTrack(plex, ratingKey, config.maxTrackSeconds),

    async remix(request) {
      const { track } = request;
      const ladder = bitrateLadder(track.durationS, request.sizeLimitBytes);
      if (ladder.length === 0) throw tooBig(track, request.sizeLimitBytes);
      const key = stemKey({
        ratingKey: track.ratingKey,
        partId: track.partId,
        partKey: track.partKey,
        partSize: track.partSize,
        model: config.model,
        extraArgs: config.extraArgs,
        headroomDb: HEADROOM_DB,
      });
      const unpin = cache.pin(key);
      try {
        let stems = await cache.get(key);
        const fromCache = stems !== null;
        if (stopping.signal.aborted) throw new RemixStoppedError();
        if (!stems) {
          await backend.check();
          const { ratingKey, title, partKey, durationS } = track;
          const separation = { track: { ratingKey, title, partKey, durationS }, model: config.model };
          const ticket = backend.submit(key, request.userId, separation, request.onUpdate);
          request.onJob?.(ticket.jobId);
          stems = await ticket.result;
        }
        const { data, kbps } = await mix(stems, request, ladder);
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
