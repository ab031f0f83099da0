import { requireDemucs } from './demucs.ts';
import { createJobQueue } from './queue.ts';
import type { CancelOutcome, JobUpdate, Ticket } from './queue.ts';
import { runSeparation } from './separation.ts';
import type { Separation, SeparatorDeps } from './separation.ts';
import type { StemCache } from './stem-cache.ts';
import type { Stem } from './stems.ts';

/**
 * Where separations run: in this process (the default) or on remote workers through a queue engine
 * (REMIX_QUEUE_URL). Either way the stems end in the bot's cache and the requester sees the same updates.
 */
export interface SeparationBackend {
  /** Fails at once, before a track is queued, when no separation can run (no Demucs here; no queue). */
  check(): Promise<void>;
  /**
   * Queues the separation of `separation` into the cache entry `key`. Requests for the same key share one
   * job; each user may have one job waiting.
   */
  submit(
    key: string,
    userId: string,
    separation: Separation,
    onUpdate: (update: JobUpdate) => void,
  ): Ticket<Record<Stem, string>>;
  /** Withdraws `userId`'s request; stops the job when nobody else waits for it. */
  cancel(jobId: string, userId: string): CancelOutcome;
  /** Shutdown: every requester is answered with `reason` at once and the work is stopped. */
  close(reason: Error): void;
}

/** What the cache records beside the stems, for an admin looking at the folder. */
export function cacheMeta(separation: Separation): object {
  const { ratingKey, title, durationS } = separation.track;
  return { ratingKey, title, durationS, model: separation.model, excerpt: separation.excerpt };
}

/** Separations in this process, at most `concurrency` at once (REMIX_CONCURRENCY). */
export function createLocalBackend(options: {
  deps: SeparatorDeps;
  cache: StemCache;
  concurrency: number;
  queueMax: number;
  /** Where to look for a DEMUCS_COMMAND without a slash (the process's PATH). */
  searchPath: string;
}): SeparationBackend {
  const { deps, cache } = options;
  const queue = createJobQueue<Record<Stem, string>>({
    concurrency: options.concurrency,
    maxWaiting: options.queueMax,
  });
  return {
    check: () => requireDemucs(deps.demucs, options.searchPath),
    submit: (key, userId, separation, onUpdate) =>
      queue.submit(
        key,
        userId,
        (signal, report) =>
          runSeparation(deps, separation, signal, report, (write) =>
            cache.put(key, write, cacheMeta(separation)),
          ),
        onUpdate,
      ),
    cancel: (jobId, userId) => queue.cancel(jobId, userId),
    close: (reason) => queue.abortAll(reason),
  };
}
