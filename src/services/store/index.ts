import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { boardTable } from './board.ts';
import type { BoardTable } from './board.ts';
import { enrichmentTable } from './enrichments.ts';
import type { EnrichmentTable } from './enrichments.ts';
import { historyTable } from './history.ts';
import type { HistoryTable } from './history.ts';
import { incidentTable } from './incidents.ts';
import type { IncidentTable } from './incidents.ts';
import { linkTable } from './links.ts';
import type { LinkTable } from './links.ts';
import { MIGRATIONS } from './migrations.ts';
import { settingTable } from './settings.ts';
import type { SettingTable } from './settings.ts';
import { monitorWatchTable } from './monitor-watch.ts';
import type { MonitorWatchTable } from './monitor-watch.ts';
import { syncRunTable } from './sync-runs.ts';
import type { SyncRunTable } from './sync-runs.ts';

export type { AlbumEnrichment } from './enrichments.ts';
export type { MirrorRow, TopKind, TopRow, TrackPlays } from './history.ts';
export type { Incident } from './incidents.ts';
export type { UserLink } from './links.ts';
export type { SyncRun } from './sync-runs.ts';

/** The bot's own state in one SQLite file under DATA_DIR: one module per table, one store for all. */
export interface Store
  extends
    LinkTable,
    IncidentTable,
    EnrichmentTable,
    SyncRunTable,
    BoardTable,
    SettingTable,
    MonitorWatchTable,
    HistoryTable {
  close(): void;
}

export const DATABASE_FILE = 'autoalex.db';
/** The longest a statement blocks the bot waiting for another program's lock on the database. */
export const LOCK_WAIT_MS = 200;

/** Opens (creating if needed) the database; `':memory:'` gives a throwaway store. */
export function openStore(dataDir: string | ':memory:'): Store {
  let file: string = dataDir;
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, DATABASE_FILE);
  }
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // better-sqlite3 waits for a lock on the event loop: while another program holds the database, every
    // interaction would wait too (Discord drops those not acknowledged in 3 s). Wait briefly, then fail
    // with SQLITE_BUSY, which the user reads as "busy, try again" (errors.ts).
    db.pragma(`busy_timeout = ${LOCK_WAIT_MS}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    db.transaction(() => {
      for (let i = version; i < MIGRATIONS.length; i++) db.exec(MIGRATIONS[i] as string);
      db.pragma(`user_version = ${MIGRATIONS.length}`);
    })();
  } catch (error) {
    // A corrupt or foreign file: close it, or every retry of a lazy open would leak a handle.
    db.close();
    throw error;
  }

  return {
    ...linkTable(db),
    ...incidentTable(db),
    ...enrichmentTable(db),
    ...syncRunTable(db),
    ...boardTable(db),
    ...settingTable(db),
    ...monitorWatchTable(db),
    ...historyTable(db),
    close() {
      db.close();
    },
  };
}
