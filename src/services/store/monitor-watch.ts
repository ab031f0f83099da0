import type Database from 'better-sqlite3';

export interface MonitorWatchTable {
  /** When the health monitor first checked Plex (ms), or undefined before its first check. */
  watchedSince(): number | undefined;
  /** Remembers the first check; later calls keep the first time. */
  markWatched(at: number): void;
}

/** One row: the start of the monitor's watch, so uptime is a share of time observed, not of a calendar window. */
export function monitorWatchTable(db: Database.Database): MonitorWatchTable {
  const since = db.prepare<[], { since: number }>('SELECT since FROM monitor_watch WHERE id = 1');
  const mark = db.prepare('INSERT OR IGNORE INTO monitor_watch (id, since) VALUES (1, ?)');
  return {
    watchedSince: () => since.get()?.since,
    markWatched(at) {
      mark.run(at);
    },
  };
}
