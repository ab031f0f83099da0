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
          await job.run({ ...ctx, logger });
          logger.debug({ ms: Date.now() - started }, 'job finished');
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
