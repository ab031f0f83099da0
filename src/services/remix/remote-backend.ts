import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Job, Queue } from 'bullmq';
import { UserFacingError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { cacheMeta } from './backend.ts';
import type { SeparationBackend } from './backend.ts';
import { createJobQueue } from './queue.ts';
import type { JobUpdate } from './queue.ts';
import {
  CANCEL_CHANNEL,
  cancelKey,
  connectRedis,
  failureMessage,
  PREFIX,
  QUEUE_NAME,
  queueUnreachable,
  STEMS_TTL_S,
} from './remote-protocol.ts';
import type { SeparationJobData, SeparationJobResult } from './remote-protocol.ts';
import type { Separation } from './separation.ts';
import type { StemCache } from './stem-cache.ts';
import { STEMS } from './stems.ts';
import type { Stem } from './stems.ts';

/** How often the bot looks at a job it handed to the workers (its state, queue position, progress). */
const POLL_MS = 500;
/** Redis away this long while a job is out: the requester is told, instead of waiting on a queue it cannot see. */
const LOST_CONTACT_MS = 60_000;

/**
 * Separations on remote workers (`autoalex worker`) through BullMQ on Redis. The in-process job queue still
 * holds the requests, so sharing one job per track, per-user limits and cancel work as they do locally; its
 * work for each job is to add a BullMQ job, follow it (queue position among the waiting jobs, progress),
 * and copy the stems the worker left in Redis into the cache.
 */
export function createRemoteBackend(options: {
  url: string;
  cache: StemCache;
  queueMax: number;
  logger: Logger;
}): SeparationBackend {
  const { cache, logger } = options;
  const redis = connectRedis(options.url, { failFast: true });
  let queue: Queue<SeparationJobData, SeparationJobResult> | undefined;
  let warned = false;
  // Without a listener an 'error' event would end the process: Redis away must never stop the bot.
  const onError = (error: Error) => {
    if (!warned) logger.warn({ err: error }, 'the remix queue (Redis) is not reachable');
    warned = true;
  };
  redis.on('error', onError);
  redis.on('ready', () => {
    if (warned) logger.info('the remix queue (Redis) is reachable again');
    warned = false;
  });
  // Every request goes to Redis at once; the waiting happens there (the work reports 'queued').
  const local = createJobQueue<Record<Stem, string>>({
    concurrency: Number.MAX_SAFE_INTEGER,
    maxWaiting: options.queueMax,
  });
  const cancelling = new Set<Promise<unknown>>();

  /**
   * The BullMQ queue, made once Redis answers: BullMQ asks the server's version when a queue is made, and a
   * queue whose first question failed (Redis down at the bot's start) never works again.
   */
  async function readyQueue(): Promise<Queue<SeparationJobData, SeparationJobResult>> {
    if (redis.status !== 'ready') throw queueUnreachable();
    if (!queue) {
      queue = new Queue<SeparationJobData, SeparationJobResult>(QUEUE_NAME, {
        connection: redis,
        prefix: PREFIX,
      });
      queue.on('error', onError);
    }
    const made = queue;
    return made.waitUntilReady().then(
      () => made,
      () => {
        queue = undefined;
        throw queueUnreachable();
      },
    );
  }

  /** Removes a waiting job, or tells the worker running it to stop (it checks the key when it starts). */
  function cancelRemote(id: string): void {
    const done = (async () => {
      await redis.set(cancelKey(id), '1', 'EX', STEMS_TTL_S);
      await redis.publish(CANCEL_CHANNEL, id);
      await queue?.remove(id).catch(() => 0);
    })()
      .catch((error: unknown) => logger.warn({ err: error, job: id }, 'could not cancel a remote separation'))
      .finally(() => cancelling.delete(done));
    cancelling.add(done);
  }

  async function position(id: string): Promise<number> {
    const waiting = await (await readyQueue()).getWaiting();
    const order = waiting.sort((a, b) => a.timestamp - b.timestamp).map((job) => job.id);
    return Math.max(0, order.indexOf(id)) + 1;
  }

  async function collect(
    key: string,
    separation: Separation,
    job: Job<SeparationJobData, SeparationJobResult>,
  ) {
    const blobs = job.returnvalue.stems;
    const stems = await cache.put(
      key,
      async (files) => {
        for (const stem of STEMS) {
          const data = await redis.getBuffer(blobs[stem]);
          if (!data)
            throw new UserFacingError(
              'The stems the worker made expired in Redis before the bot could collect them. Try again.',
            );
          await writeFile(files[stem], data);
        }
      },
      cacheMeta(separation),
    );
    await redis.del(...Object.values(blobs)).catch(() => 0);
    await job.remove().catch(() => undefined);
    return stems;
  }

  async function follow(
    key: string,
    separation: Separation,
    signal: AbortSignal,
    report: (update: JobUpdate) => void,
  ): Promise<Record<Stem, string>> {
    const pending = local.stats().running;
    report({ phase: 'queued', position: pending });
    const queue = await readyQueue();
    const id = randomUUID();
    await queue
      .add(
        'separate',
        { separation: onTheWire(separation) },
        {
          jobId: id,
          attempts: 1,
          // The bot removes what it collected; these only clear jobs a crashed bot never came back for.
          removeOnComplete: { age: STEMS_TTL_S },
          removeOnFail: { age: 24 * 3600 },
        },
      )
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'could not add a separation to the remix queue');
        throw queueUnreachable();
      });
    // At once, not at the next look: a shutdown closes the connection right after these cancels went out.
    signal.addEventListener('abort', () => cancelRemote(id), { once: true });
    if (signal.aborted) cancelRemote(id);
    let lastContact = Date.now();
    let last = '';
    const tell = (update: JobUpdate) => {
      const text = JSON.stringify(update);
      if (text !== last) report(update);
      last = text;
    };
    for (;;) {
      if (signal.aborted) throw signal.reason;
      try {
        const job = await Job.fromId<SeparationJobData, SeparationJobResult>(queue, id);
        const state = job ? await job.getState() : 'unknown';
        lastContact = Date.now();
        if (!job || state === 'unknown')
          throw new UserFacingError(
            'This separation disappeared from the remix queue (was Redis emptied, or restarted without saving?). Try again.',
          );
        if (state === 'completed') return await collect(key, separation, job);
        if (state === 'failed') throw failureMessage(job.failedReason);
        if (state === 'active') tell(isUpdate(job.progress) ? job.progress : { phase: 'downloading' });
        else tell({ phase: 'queued', position: await position(id) });
      } catch (error) {
        if (!isConnectionError(error)) throw error;
        if (Date.now() - lastContact > LOST_CONTACT_MS) throw queueUnreachable();
      }
      await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
    }
  }

  return {
    async check() {
      await readyQueue();
    },
    submit: (key, userId, separation, onUpdate) =>
      local.submit(key, userId, (signal, report) => follow(key, separation, signal, report), onUpdate),
    cancel: (jobId, userId) => local.cancel(jobId, userId),
    close(reason) {
      local.abortAll(reason);
      // The cancels abortAll started go out before the connection closes.
      void Promise.allSettled([...cancelling])
        .then(() => queue?.close())
        .catch(() => undefined)
        .finally(() => redis.disconnect());
    },
  };
}

/** Only what a worker needs of the track travels (the bot's side carries its whole RemixTrack). */
function onTheWire({ track, model, excerpt }: Separation): Separation {
  const { ratingKey, title, partKey, durationS } = track;
  return { track: { ratingKey, title, partKey, durationS }, model, ...(excerpt ? { excerpt } : {}) };
}

function isUpdate(progress: unknown): progress is JobUpdate {
  const phase = (progress as { phase?: unknown } | null)?.phase;
  return phase === 'downloading' || phase === 'separating';
}

/** ioredis's own errors while Redis is away (not a job's failure). */
function isConnectionError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|max retries|ETIMEDOUT|\(Redis\) is not reachable/i.test(
    message,
  );
}
