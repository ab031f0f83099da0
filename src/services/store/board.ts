import type Database from 'better-sqlite3';

export interface BoardTable {
  /** The live board's message in a channel: reused after a restart instead of posting another. */
  getBoardMessage(channelId: string): string | undefined;
  setBoardMessage(channelId: string, messageId: string): void;
}

/** The live now-playing board's message per channel. */
export function boardTable(db: Database.Database): BoardTable {
  const boardMessage = db.prepare<[string], { message_id: string }>(
    'SELECT message_id FROM board_messages WHERE channel_id = ?',
  );
  const upsertBoard = db.prepare(
    `INSERT INTO board_messages (channel_id, message_id, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(channel_id) DO UPDATE SET message_id = excluded.message_id, updated_at = excluded.updated_at`,
  );

  return {
    getBoardMessage(channelId) {
      return boardMessage.get(channelId)?.message_id;
    },
    setBoardMessage(channelId, messageId) {
      upsertBoard.run(channelId, messageId, Date.now());
    },
  };
}
