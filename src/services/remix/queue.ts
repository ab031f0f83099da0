import { randomBytes } from 'node:crypto';
import { UserFacingError } from '../../errors.ts';
import { RemixCancelledError } from './errors.ts';

/** What a waiting or running job tells the people who asked for it. */
export type JobUpdate =
  { phase: 'queued'; position: number } | { phase: 'downloading' | 'separating'; fraction?: number };

interface Subscriber<T> {
  userId: string;
  onUpdate(update: JobUpdate): void;
  resolve(value: T): void;
  reject(error: unknown): void;
}

interface Job<T> {
  id: string;
  key: string;
  work: (signal: AbortSignal, report: (update: JobUpdate) => void) => Promise<T>;
  subscribers: Set<Subscriber<T>>;
  controller: AbortController;
  running: boolean;
  /** Its work last said 'queued': it started here but waits elsewhere (a remote queue), so it counts as waiting. */
  queuedElsewhere: boolean;
}

export interface Ticket<T> {
  jobId: string;
  result: Promise<T>;
}

export type CancelOutcome = 'cancelled' | 'not-yours' | 'unknown';

/**
 * The separation queue: at most `concurrency` jobs run; requests for the same key share one job (two
 * people remixing the same track wait for one separation); each user may have one job waiting; at most
 * `maxWaiting` jobs wait. A job whose last requester cancels is stopped (its AbortSignal fires).
 * Work that hands the job on to another queue (remote workers) reports 'queued' while it waits there; such a
 * job counts as waiting for the per-user and queue-full limits.
 */
export function createJobQueue<T>(options: { concurrency: number; maxWaiting: number }) {
  const waiting: Array<Job<T>> = [];
  const running = new Set<Job<T>>();
  const byKey = new Map<string, Job<T>>();
  const byId = new Map<string, Job<T>>();

  const announcePositions = () =>
    waiting.forEach((job, i) =>
      job.subscribers.forEach((s) => s.onUpdate({ phase: 'queued', position: i + 1 })),
    );

  function finish(job: Job<T>): void {
    running.delete(job);
    byKey.delete(job.key);
    byId.delete(job.id);
    pump();
  }

  function pump(): void {
    while (running.size < options.concurrency && waiting.length > 0) {
      const job = waiting.shift() as Job<T>;
      job.running = true;
      running.add(job);
      const report = (update: JobUpdate) => {
        job.queuedElsewhere = update.phase === 'queued';
        job.subscribers.forEach((s) => s.onUpdate(update));
      };
      job
        .work(job.controller.signal, report)
        .then(
          (value) => job.subscribers.forEach((s) => s.resolve(value)),
          (error: unknown) => job.subscribers.forEach((s) => s.reject(error)),
        )
        .finally(() => finish(job));
    }
    announcePositions();
  }

  const allWaiting = () => [...waiting, ...[...running].filter((job) => job.queuedElsewhere)];

  function hasWaitingJob(userId: string): boolean {
    return allWaiting().some((job) => [...job.subscribers].some((s) => s.userId === userId));
  }

  return {
    submit(
      key: string,
      userId: string,
      work: Job<T>['work'],
      onUpdate: (update: JobUpdate) => void,
    ): Ticket<T> {
      let job = byKey.get(key);
      if (!job) {
        if (hasWaitingJob(userId))
          throw new UserFacingError(
            'You already have a remix waiting in the queue. Cancel it or wait until it starts.',
          );
        const waitingNow = allWaiting().length;
        if (waitingNow >= options.maxWaiting)
          throw new UserFacingError(`The remix queue is full (${waitingNow} waiting). Try again in a while.`);
        job = {
          id: randomBytes(4).toString('hex'),
          key,
          work,
          subscribers: new Set(),
          controller: new AbortController(),
          running: false,
          queuedElsewhere: false,
        };
        byKey.set(key, job);
        byId.set(job.id, job);
        waiting.push(job);
      }
      const owner = job;
      const result = new Promise<T>((resolve, reject) => {
        owner.subscribers.add({ userId, onUpdate, resolve, reject });
      });
      pump();
      return { jobId: owner.id, result };
    },

    /** Withdraws `userId`'s request; stops the job when nobody else is waiting for it. */
    cancel(jobId: string, userId: string): CancelOutcome {
      const job = byId.get(jobId);
      if (!job) return 'unknown';
      const mine = [...job.subscribers].filter((s) => s.userId === userId);
      if (mine.length === 0) return 'not-yours';
      for (const subscriber of mine) {
        job.subscribers.delete(subscriber);
        subscriber.reject(new RemixCancelledError());
      }
      if (job.subscribers.size === 0) {
        job.controller.abort(new RemixCancelledError());
        if (!job.running) {
          waiting.splice(waiting.indexOf(job), 1);
          byKey.delete(job.key);
          byId.delete(job.id);
          announcePositions();
        }
      }
      return 'cancelled';
    },

    /**
     * Stops everything (shutdown): every requester, waiting or running, is answered with `reason` at once,
     * without waiting for the running work to unwind.
     */
    abortAll(reason: Error = new RemixCancelledError()): void {
      for (const job of [...waiting, ...running]) {
        job.controller.abort(reason);
        job.subscribers.forEach((s) => s.reject(reason));
        job.subscribers.clear();
      }
      waiting.length = 0;
    },

    stats: () => ({ waiting: waiting.length, running: running.size }),
  };
}

export type JobQueue<T> = ReturnType<typeof createJobQueue<T>>;
