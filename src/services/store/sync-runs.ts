import type Database from 'better-sqlite3';

export interface SyncRun {
  playlist: string;
  /** 'schedule' or the Discord user id who asked. */
  trigger: string;
  startedAt: number;
  finishedAt: number;
  added: number;
  removed: number;
  kept: number;
  dryRun: boolean;
  /** The user-facing reason when the run failed. */
  error: string | null;
}

export interface SyncRunTable {
  recordSyncRun(run: SyncRun): void;
  /** Most recent first. */
  recentSyncRuns(limit: number): SyncRun[];
}

/** One row per playlist sync, scheduled or asked for. */
export function syncRunTable(db: Database.Database): SyncRunTable {
  const insertRun = db.prepare(
    `INSERT INTO playlist_sync_runs (playlist, trigger, started_at, finished_at, added, removed, kept, dry_run, error)
     VALUES (@playlist, @trigger, @startedAt, @finishedAt, @added, @removed, @kept, @dryRun, @error)`,
  );
  const selectRuns = db.prepare<[number], Record<string, unknown>>(
    'SELECT * FROM playlist_sync_runs ORDER BY id DESC LIMIT ?',
  );
  return {
    recordSyncRun(run) {
      insertRun.run({ ...run, dryRun: run.dryRun ? 1 : 0 });
    },
    recentSyncRuns(limit) {
      return selectRuns.all(limit).map((row) => ({
        playlist: String(row.playlist),
        trigger: String(row.trigger),
        startedAt: Number(row.started_at),
        finishedAt: Number(row.finished_at),
        added: Number(row.added),
        removed: Number(row.removed),
        kept: Number(row.kept),
        dryRun: row.dry_run === 1,
        error: row.error === null ? null : String(row.error),
      }));
    },
  };
}
