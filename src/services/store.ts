import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The bot's own state in one SQLite file under DATA_DIR. Schema changes are numbered migrations applied
 * in order and recorded in `PRAGMA user_version`, so an old database upgrades in place and nothing is lost.
 */

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE user_links (
     discord_user_id TEXT PRIMARY KEY,
     plex_user_id TEXT NOT NULL,
     plex_user_name TEXT NOT NULL,
     linked_by TEXT NOT NULL,
     linked_at INTEGER NOT NULL
   )`,
  `CREATE TABLE playlist_sync_runs (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     playlist TEXT NOT NULL,
     trigger TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     finished_at INTEGER NOT NULL,
     added INTEGER NOT NULL,
     removed INTEGER NOT NULL,
     kept INTEGER NOT NULL,
     dry_run INTEGER NOT NULL,
     error TEXT
   )`,
  `CREATE TABLE incidents (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     started_at INTEGER NOT NULL,
     confirmed_at INTEGER NOT NULL,
     ended_at INTEGER,
     reason TEXT NOT NULL,
     alert_channel_id TEXT,
     alert_message_id TEXT,
     acknowledged_by TEXT,
     acknowledged_at INTEGER
   )`,
  `CREATE TABLE album_enrichments (
     album_key TEXT PRIMARY KEY,
     section_id TEXT NOT NULL,
     original_summary TEXT NOT NULL,
     credits TEXT NOT NULL,
     release_id TEXT NOT NULL,
     enriched_by TEXT NOT NULL,
     enriched_at INTEGER NOT NULL
   )`,
  `CREATE TABLE board_messages (
     channel_id TEXT PRIMARY KEY,
     message_id TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   )`,
];

export interface UserLink {
  discordUserId: string;
  plexUserId: string;
  plexUserName: string;
  linkedBy: string;
  linkedAt: number;
}

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

export interface Incident {
  id: number;
  /** The first failed check. */
  startedAt: number;
  /** When the failures reached the threshold and the alert went out. */
  confirmedAt: number;
  endedAt: number | null;
  reason: string;
  alertChannelId: string | null;
  alertMessageId: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
}

export interface AlbumEnrichment {
  albumKey: string;
  sectionId: string;
  /** The summary before Autoalex first wrote to it: what undo restores. */
  originalSummary: string;
  credits: string;
  releaseId: string;
  enrichedBy: string;
  enrichedAt: number;
}

export interface Store {
  getEnrichment(albumKey: string): AlbumEnrichment | undefined;
  /** Records a write; the original summary of the FIRST enrichment is kept across re-runs. */
  saveEnrichment(record: AlbumEnrichment): void;
  removeEnrichment(albumKey: string): void;
  openIncident(startedAt: number, confirmedAt: number, reason: string): Incident;
  updateIncident(id: number, change: Partial<Omit<Incident, 'id'>>): void;
  getIncident(id: number): Incident | undefined;
  /** The incident still open (Plex down), if any: survives a restart of the bot. */
  currentIncident(): Incident | undefined;
  /** Most recent first, including those overlapping `since` (ms). */
  incidentsSince(since: number): Incident[];
  getLink(discordUserId: string): UserLink | undefined;
  setLink(link: UserLink): void;
  removeLink(discordUserId: string): boolean;
  recordSyncRun(run: SyncRun): void;
  /** Most recent first. */
  recentSyncRuns(limit: number): SyncRun[];
  /** The live board's message in a channel: reused after a restart instead of posting another. */
  getBoardMessage(channelId: string): string | undefined;
  setBoardMessage(channelId: string, messageId: string): void;
  close(): void;
}

export const DATABASE_FILE = 'autoalex.db';

const INCIDENT_COLUMNS = new Set([
  'ended_at',
  'alert_channel_id',
  'alert_message_id',
  'acknowledged_by',
  'acknowledged_at',
  'reason',
  'confirmed_at',
  'started_at',
]);

function toIncident(row: Record<string, unknown>): Incident {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: Number(row.id),
    startedAt: Number(row.started_at),
    confirmedAt: Number(row.confirmed_at),
    endedAt: num(row.ended_at),
    reason: String(row.reason),
    alertChannelId: str(row.alert_channel_id),
    alertMessageId: str(row.alert_message_id),
    acknowledgedBy: str(row.acknowledged_by),
    acknowledgedAt: num(row.acknowledged_at),
  };
}

/** Opens (creating if needed) the database; `':memory:'` gives a throwaway store. */
export function openStore(dataDir: string | ':memory:'): Store {
  let file: string = dataDir;
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, DATABASE_FILE);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  db.transaction(() => {
    for (let i = version; i < MIGRATIONS.length; i++) db.exec(MIGRATIONS[i] as string);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();

  const select = db.prepare<
    [string],
    {
      discord_user_id: string;
      plex_user_id: string;
      plex_user_name: string;
      linked_by: string;
      linked_at: number;
    }
  >('SELECT * FROM user_links WHERE discord_user_id = ?');
  const upsert = db.prepare(
    `INSERT INTO user_links (discord_user_id, plex_user_id, plex_user_name, linked_by, linked_at)
     VALUES (@discordUserId, @plexUserId, @plexUserName, @linkedBy, @linkedAt)
     ON CONFLICT(discord_user_id) DO UPDATE SET plex_user_id = excluded.plex_user_id,
       plex_user_name = excluded.plex_user_name, linked_by = excluded.linked_by, linked_at = excluded.linked_at`,
  );
  const remove = db.prepare('DELETE FROM user_links WHERE discord_user_id = ?');
  const insertIncident = db.prepare(
    'INSERT INTO incidents (started_at, confirmed_at, reason) VALUES (?, ?, ?)',
  );
  const incidentById = db.prepare<[number], Record<string, unknown>>('SELECT * FROM incidents WHERE id = ?');
  const openIncidents = db.prepare<[], Record<string, unknown>>(
    'SELECT * FROM incidents WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1',
  );
  const incidentsSince = db.prepare<[number], Record<string, unknown>>(
    'SELECT * FROM incidents WHERE ended_at IS NULL OR ended_at >= ? ORDER BY id DESC',
  );
  const enrichmentByKey = db.prepare<[string], Record<string, unknown>>(
    'SELECT * FROM album_enrichments WHERE album_key = ?',
  );
  const upsertEnrichment = db.prepare(
    `INSERT INTO album_enrichments (album_key, section_id, original_summary, credits, release_id, enriched_by, enriched_at)
     VALUES (@albumKey, @sectionId, @originalSummary, @credits, @releaseId, @enrichedBy, @enrichedAt)
     ON CONFLICT(album_key) DO UPDATE SET credits = excluded.credits, release_id = excluded.release_id,
       enriched_by = excluded.enriched_by, enriched_at = excluded.enriched_at`,
  );
  const deleteEnrichment = db.prepare('DELETE FROM album_enrichments WHERE album_key = ?');
  const insertRun = db.prepare(
    `INSERT INTO playlist_sync_runs (playlist, trigger, started_at, finished_at, added, removed, kept, dry_run, error)
     VALUES (@playlist, @trigger, @startedAt, @finishedAt, @added, @removed, @kept, @dryRun, @error)`,
  );
  const selectRuns = db.prepare<[number], Record<string, unknown>>(
    'SELECT * FROM playlist_sync_runs ORDER BY id DESC LIMIT ?',
  );
  const boardMessage = db.prepare<[string], { message_id: string }>(
    'SELECT message_id FROM board_messages WHERE channel_id = ?',
  );
  const upsertBoard = db.prepare(
    `INSERT INTO board_messages (channel_id, message_id, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(channel_id) DO UPDATE SET message_id = excluded.message_id, updated_at = excluded.updated_at`,
  );

  return {
    getLink(discordUserId) {
      const row = select.get(discordUserId);
      return row
        ? {
            discordUserId: row.discord_user_id,
            plexUserId: row.plex_user_id,
            plexUserName: row.plex_user_name,
            linkedBy: row.linked_by,
            linkedAt: row.linked_at,
          }
        : undefined;
    },
    setLink(link) {
      upsert.run(link);
    },
    removeLink(discordUserId) {
      return remove.run(discordUserId).changes > 0;
    },
    openIncident(startedAt, confirmedAt, reason) {
      const id = Number(insertIncident.run(startedAt, confirmedAt, reason).lastInsertRowid);
      return toIncident(incidentById.get(id) as Record<string, unknown>);
    },
    updateIncident(id, change) {
      // Column names come from this fixed set only, never from input, so the dynamic SET is safe.
      const columns = Object.entries(change)
        .map(([key, value]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), value] as const)
        .filter(([column]) => INCIDENT_COLUMNS.has(column));
      if (columns.length === 0) return;
      const set = columns.map(([column]) => `${column} = ?`).join(', ');
      db.prepare(`UPDATE incidents SET ${set} WHERE id = ?`).run(...columns.map(([, value]) => value), id);
    },
    getIncident(id) {
      const row = incidentById.get(id);
      return row ? toIncident(row) : undefined;
    },
    currentIncident() {
      const row = openIncidents.get();
      return row ? toIncident(row) : undefined;
    },
    incidentsSince(since) {
      return incidentsSince.all(since).map(toIncident);
    },
    getEnrichment(albumKey) {
      const row = enrichmentByKey.get(albumKey);
      if (!row) return undefined;
      return {
        albumKey: String(row.album_key),
        sectionId: String(row.section_id),
        originalSummary: String(row.original_summary),
        credits: String(row.credits),
        releaseId: String(row.release_id),
        enrichedBy: String(row.enriched_by),
        enrichedAt: Number(row.enriched_at),
      };
    },
    saveEnrichment(record) {
      upsertEnrichment.run(record);
    },
    removeEnrichment(albumKey) {
      deleteEnrichment.run(albumKey);
    },
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
    getBoardMessage(channelId) {
      return boardMessage.get(channelId)?.message_id;
    },
    setBoardMessage(channelId, messageId) {
      upsertBoard.run(channelId, messageId, Date.now());
    },
    close() {
      db.close();
    },
  };
}
