import type { Job } from './types.ts';

/** Rebuilds the autocomplete index every LIBRARY_REFRESH_MINUTES, so new albums become findable. */
export const libraryRefresh: Job = {
  name: 'library-refresh',
  pattern(config) {
    const minutes = config.plex.libraryRefreshMinutes;
    if (minutes === 0 || !config.plex.url) return null;
    return minutes < 60 ? `*/${minutes} * * * *` : `0 */${Math.max(1, Math.round(minutes / 60))} * * *`;
  },
  run: ({ services }) => services.library.refresh(),
};
