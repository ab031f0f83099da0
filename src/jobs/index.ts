import { within } from '../within.ts';
import { Cron } from 'croner';
import { digestJob } from './digest.ts';
import { historySync } from './history-sync.ts';
import { libraryRefresh } from './library-refresh.ts';
import { playlistSync } from './playlist-sync.ts';
import { plexMonitor } from './plex-monitor.ts';
import type { Job, JobContext } from './types.ts';

export const JOBS: readonly Job[] = [plexMonitor, libraryRefresh, playlistSync, historySync, digestJob];

/** Schedules every enabled job (no overlap, in TZ); returns a function that stops them all. */
export function startJobs(ctx: JobContext, jobs: readonly Job[] = JOBS): () => void {
  const running: Cron[] = [];
  for (const job of jobs) {
    const pattern = job.pattern(ctx.config);
    if (!pattern) continue;
    const logger = ctx.logger.child({ job: job.name });
    // Croner's `interval` runs a every-second pattern at most every N seconds: any interval, no overlap.
    const every = typeof pattern === 'object' ? pattern.everySeconds : undefined;
    running.push(
      new Cron(
        typeof pattern === 'object' ? '* * * * * *' : pattern,
        {
          name: job.name,
          protect: true,
          interval: every,
          timezone: ctx.config.timeZone,
          catch: (error) => logger.warn({ err: error }, 'job failed'),
        },
        async () => {
          const started = Date.now();
          const deadlineMs = job.deadlineMs?.(ctx.config) ?? null;
          const tick = job.run({ ...ctx, logger });
          // A late tick is not cancelled, only no longer waited for; a failure within the deadline rejects.
          const done = tick.then(() => true);
          if (await (deadlineMs === null ? done : within(done, deadlineMs, () => false))) {
            logger.debug({ ms: Date.now() - started }, 'job finished');
            return;
          }
          logger.warn(
            { deadlineMs },
            'job tick did not finish within its deadline; the next tick runs as scheduled',
          );
          tick.then(
            () => logger.info({ ms: Date.now() - started }, 'late job tick finished'),
            (error: unknown) => logger.warn({ err: error }, 'late job tick failed'),
          );
        },
      ),
    );
    logger.info({ pattern }, 'job scheduled');
    if (job.startup) {
      void job
        .startup({ ...ctx, logger })
        .catch((error: unknown) => logger.warn({ err: error }, 'job start-up failed'));
    }
  }
  return () => running.forEach((cron) => cron.stop());
}
