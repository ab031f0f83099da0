/**
 * Schema changes are numbered migrations applied in order and recorded in `PRAGMA user_version`, so an old
 * database upgrades in place and nothing is lost. Append only: never edit or reorder an applied migration.
 */
export const MIGRATIONS: readonly string[] = [
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
  `CREATE TABLE settings (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   )`,
  // When the health monitor first checked Plex: uptime counts only time it has watched.
  `CREATE TABLE monitor_watch (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     since INTEGER NOT NULL
   )`,
  // The listening-history mirror (services/listening/mirror.ts): Tautulli's music rows, ungrouped, by id.
  `CREATE TABLE history_plays (
     id INTEGER PRIMARY KEY,
     reference_id INTEGER NOT NULL,
     user_id INTEGER NOT NULL,
     rating_key INTEGER NOT NULL,
     artist_key INTEGER NOT NULL,
     started INTEGER NOT NULL,
     duration INTEGER NOT NULL,
     percent INTEGER NOT NULL
   );
   CREATE INDEX history_plays_artist ON history_plays (artist_key, started, user_id, rating_key, reference_id);
   CREATE INDEX history_plays_user ON history_plays (user_id, started);
   CREATE INDEX history_plays_started ON history_plays (started);
   CREATE TABLE history_items (
     rating_key INTEGER PRIMARY KEY,
     album_key INTEGER NOT NULL,
     artist_key INTEGER NOT NULL,
     title TEXT NOT NULL,
     album TEXT NOT NULL,
     artist TEXT NOT NULL,
     artist_norm TEXT NOT NULL,
     album_norm TEXT NOT NULL,
     title_norm TEXT NOT NULL,
     position INTEGER NOT NULL
   );
   CREATE INDEX history_items_artist ON history_items (artist_norm);
   CREATE INDEX history_items_artist_key ON history_items (artist_key);
   CREATE TABLE job_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  // The Plex alert or recovery not yet posted: retried until Discord takes it, also after a restart.
  `ALTER TABLE incidents ADD COLUMN notice_pending TEXT`,
  // An artist's plays in (user, track) order: a completion over years of history groups them as it reads,
  // with no sort of a quarter of a million rows (130 → 24 ms at 240,000 plays of one artist).
  `CREATE INDEX history_plays_artist_track ON history_plays (artist_key, user_id, rating_key, reference_id, started)`,
];
