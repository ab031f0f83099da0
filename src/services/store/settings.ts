import type Database from 'better-sqlite3';

export interface SettingTable {
  getSetting(key: string): string | undefined;
  setSetting(key: string, value: string): void;
}

/** Small facts the bot remembers between runs (the hash of the /alex definition Discord last accepted). */
export function settingTable(db: Database.Database): SettingTable {
  const select = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const upsert = db.prepare(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  return {
    getSetting: (key) => select.get(key)?.value,
    setSetting(key, value) {
      upsert.run(key, value, Date.now());
    },
  };
}
