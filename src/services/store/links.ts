import type Database from 'better-sqlite3';

export interface UserLink {
  discordUserId: string;
  plexUserId: string;
  plexUserName: string;
  linkedBy: string;
  linkedAt: number;
}

export interface LinkTable {
  getLink(discordUserId: string): UserLink | undefined;
  setLink(link: UserLink): void;
  removeLink(discordUserId: string): boolean;
}

/** Discord user → Plex (Tautulli) user. */
export function linkTable(db: Database.Database): LinkTable {
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
  };
}
