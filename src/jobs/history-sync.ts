import type { Job } from './types.ts';

/**
 * Keeps the local listening history up to date: the first runs fill it in date windows, then each run is
 * one small get_history request (and now and then a month-by-month comparison that drops deleted history).
 */
export const historySync: Job = {
  name: 'history-sync',
  pattern: (config) =>
    config.history.syncSeconds > 0 && config.tautulli.url
      ? { everySeconds: config.history.syncSeconds }
      : null,
  async run({ services, logger }) {
    const report = await services.history.sync();
    logger.debug({ ...report }, 'history synced');
  },
};
