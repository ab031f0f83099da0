import { readFile, rm } from 'node:fs/promises';
import { UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Logger } from '../../logger.ts';
import { RemixCancelledError } from './errors.ts';
import type { JobUpdate } from './queue.ts';
import {
  CANCEL_CHANNEL,
  cancelKey,
  connectRedis,
  failureReason,
  PREFIX,
  QUEUE_NAME,
  stemBlobKey,
  STEMS_TTL_S,
} from './remote-protocol.ts';
import type { SeparationJobData, SeparationJobResult } from './remote-protocol.ts';
import { flacFiles, runSeparation } from './separation.ts';
import type { SeparatorDeps } from './separation.ts';
import { STEMS } from './stems.ts';
import type { Stem } from './stems.ts';

/** Progress is written to Redis at most this often (Demucs redraws its bars about ten times a second). */
const PROGRESS_EVERY_MS = 300;

/** The worker is shutting down (docker stop): its jobs go back to the queue for another worker. */
class WorkerStoppingError extends Error {
  constructor() {
    super('the worker is stopping');
    this.name = 'WorkerStoppingError';
  }
}

export interface RemixWorker {
  /** Resolves once the worker takes jobs. */
  ready: Promise<void>;
  /** Stops Demucs, puts running jobs back in the queue and disconnects. */
  close(): Promise<void>;
}

/**
 * `autoalex worker`: takes separations from the BullMQ queue, runs them with this machine's Demucs (a GPU
 * box's DEMUCS_DEVICE=cuda) and leaves the four FLAC stems in Redis for the bot. A worker that dies holds
 * its job only for `lockMs`: then BullMQ's stalled-job check (in any other worker) puts the job back in the
 * queue, once; a second stall fails it with a message the bot words for the user.
 */
export function startRemixWorker(options: {
  url: string;
  deps: SeparatorDeps;
  concurrency: number;
  lockMs: number;
  logger: Logger;
}): RemixWorker {
  const { deps, logger } = options;
  const redis = connectRedis(options.url, { failFast: false });
  const subscriber = connectRedis(options.url, { failFast: false });
  const running = new Map<string, AbortController>();

  async function processJob(
    job: Job<SeparationJobData, SeparationJobResult>,
    token: string | undefined,
    bullSignal: AbortSignal | undefined,
  ): Promise<SeparationJobResult> {
    const id = job.id ?? '';
    const log = logger.child({ job: id, ratingKey: job.data.separation.track.ratingKey });
    if (await redis.exists(cancelKey(id)))
      throw new UnrecoverableError(failureReason(new RemixCancelledError()));
    const controller = new AbortController();
    bullSignal?.addEventListener('abort', () => controller.abort(new RemixCancelledError()), { once: true });
    running.set(id, controller);
    let sent = 0;
    const report = (update: JobUpdate) => {
      if (update.phase === 'separating' && Date.now() - sent < PROGRESS_EVERY_MS && update.fraction !== 1)
        return;
      sent = Date.now();
      job
        .updateProgress(update)
        .catch((error: unknown) => log.warn({ err: error }, 'could not report progress'));
    };
    log.info({ attempt: job.attemptsStarted }, 'separating');
    try {
      return await runSeparation(deps, job.data.separation, controller.signal, report, async (write, dir) => {
        const files = flacFiles(dir);
        await write(files);
        const stems = {} as Record<Stem, string>;
        for (const stem of STEMS) {
          stems[stem] = stemBlobKey(id, stem);
          await redis.set(stems[stem], await readFile(files[stem]), 'EX', STEMS_TTL_S);
        }
        log.info('separated; stems are in Redis');
        return { stems };
      });
    } catch (error) {
      if (controller.signal.reason instanceof WorkerStoppingError && token) {
        await job.moveToWait(token);
        throw new WaitingError();
      }
      if (!(error instanceof RemixCancelledError)) log.error({ err: error }, 'separation failed');
      // A failure here (Demucs, Plex) would fail again on a retry; only a dead worker's job is run again.
      throw new UnrecoverableError(failureReason(error));
    } finally {
      running.delete(id);
    }
  }

  const worker = new Worker<SeparationJobData, SeparationJobResult>(QUEUE_NAME, processJob, {
    connection: redis,
    prefix: PREFIX,
    concurrency: options.concurrency,
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    maxStalledCount: 1,
    autorun: false,
  });
  worker.on('error', (error) => logger.warn({ err: error }, 'remix worker: Redis error'));
  subscriber.on('error', () => undefined);
  subscriber.on('message', (_channel, id: string) => {
    const controller = running.get(id);
    if (!controller) return;
    logger.info({ job: id }, 'cancelled by the bot');
    controller.abort(new RemixCancelledError());
  });
  // Scratch folders a killed worker left behind go first; then jobs are taken.
  const ready = rm(deps.workRoot, { recursive: true, force: true })
    .then(() => {
      worker.run().catch((error: unknown) => logger.error({ err: error }, 'remix worker stopped'));
      return Promise.all([worker.waitUntilReady(), subscriber.subscribe(CANCEL_CHANNEL)]);
    })
    .then(() => {
      logger.info({ concurrency: options.concurrency }, 'remix worker ready: waiting for separations');
    });

  return {
    ready,
    async close() {
      // Closing first: a job put back in the queue must not be fetched again by this worker.
      const closed = worker.close();
      for (const controller of running.values()) controller.abort(new WorkerStoppingError());
      await closed;
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}
