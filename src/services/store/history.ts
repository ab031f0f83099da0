import type Database from 'better-sqlite3';

/**
 * The local mirror of Tautulli's music history: one row per session_history row (ungrouped, so a row id is
 * Tautulli's own id and dedupe is a primary key), the item's titles once per rating key. A play is
 * Tautulli's grouped play: distinct `reference_id` (a paused-and-resumed listen is one play).
 */

/** One history row as the mirror keeps it. */
export interface MirrorRow {
  id: number;
  referenceId: number;
  userId: number;
  ratingKey: number;
  albumKey: number;
  artistKey: number;
  title: string;
  album: string;
  artist: string;
  /** normalize(artist), normalize(album), normalize(title): how changed rating keys are matched. */
  artistNorm: string;
  albumNorm: string;
  titleNorm: string;
  /** Disc × 10000 + track number (0 when unknown): tells apart two "Interlude"s of one album. */
  position: number;
  /** Unix seconds. */
  started: number;
  /** Seconds listened. */
  duration: number;
  percent: number;
}

/** Plays of one track by one user, with the titles the history has for it. */
export interface TrackPlays {
  userId: string;
  ratingKey: string;
  albumNorm: string;
  titleNorm: string;
  position: number;
  plays: number;
}

export type TopKind = 'artists' | 'albums' | 'tracks' | 'listeners';

export interface TopRow {
  /** Artist, album or track title, or a user id for listeners. */
  title: string;
  /** The artist (albums, tracks) or album (tracks) it belongs to; '' otherwise. */
  artist: string;
  album: string;
  /** A current rating key for it (artists, albums, tracks), for pictures. */
  key: string;
  plays: number;
  seconds: number;
}

export interface HistoryTable {
  /** Inserts or replaces rows by id (the overlap of two windows lands on the same ids). */
  putHistory(rows: readonly MirrorRow[]): void;
  /** Removes the mirrored rows started in [from, to); returns how many. */
  deleteHistory(from: number, to: number): number;
  /** Rows (not plays) started in [from, to): compared with Tautulli's ungrouped recordsFiltered. */
  countHistory(from: number, to: number): number;
  /** Newest and oldest `started`, or null when empty. */
  historySpan(): { first: number; last: number } | null;
  /**
   * Plays per user and track of an artist, in [from, to), found by its rating key or its normalised name
   * (so plays recorded under a key Plex has since changed are included).
   */
  artistTrackPlays(artistKey: string, artistNorm: string, from: number, to: number): TrackPlays[];
  /** Top artists, albums, tracks or listeners in [from, to), for one user id or everyone (null). */
  topHistory(kind: TopKind, userId: string | null, from: number, to: number, limit: number): TopRow[];
  /** Users who played an artist (by key or normalised name) in [from, to), most plays first. */
  artistListeners(
    artistKey: string,
    artistNorm: string,
    from: number,
    to: number,
  ): Array<{ userId: string; plays: number }>;
  /** A small key/value memory for background jobs (sync cursors, the last digest posted). */
  getState(key: string): string | undefined;
  setState(key: string, value: string): void;
}

/** SQLite's largest integer: "until now" in a range. */
const END = Number.MAX_SAFE_INTEGER;
/** Beyond this, a period holds most of an artist's plays: read them all in group order rather than by day. */
const LONG_PERIOD_S = 90 * 86_400;
const bound = (to: number) => (Number.isFinite(to) ? to : END);

export function historyTable(db: Database.Database): HistoryTable {
  const putPlay = db.prepare(
    `INSERT OR REPLACE INTO history_plays (id, reference_id, user_id, rating_key, artist_key, started, duration, percent)
     VALUES (@id, @referenceId, @userId, @ratingKey, @artistKey, @started, @duration, @percent)`,
  );
  const putItem = db.prepare(
    `INSERT OR REPLACE INTO history_items (rating_key, album_key, artist_key, title, album, artist, artist_norm, album_norm, title_norm, position)
     VALUES (@ratingKey, @albumKey, @artistKey, @title, @album, @artist, @artistNorm, @albumNorm, @titleNorm, @position)`,
  );
  const put = db.transaction((rows: readonly MirrorRow[]) => {
    const items = new Set<number>();
    for (const row of rows) {
      putPlay.run(row);
      if (!items.has(row.ratingKey)) {
        items.add(row.ratingKey);
        putItem.run(row);
      }
    }
  });
  const del = db.prepare('DELETE FROM history_plays WHERE started >= ? AND started < ?');
  const count = db.prepare<[number, number], { n: number }>(
    'SELECT COUNT(*) AS n FROM history_plays WHERE started >= ? AND started < ?',
  );
  const span = db.prepare<[], { first: number | null; last: number | null }>(
    'SELECT MIN(started) AS first, MAX(started) AS last FROM history_plays',
  );
  // The artist's keys, old and new: every key its rows were ever recorded under, by key or by name.
  const artistKeys = `SELECT DISTINCT artist_key FROM history_items WHERE artist_key = @key OR artist_norm = @norm`;
  // Plays per (user, track), grouped before the join. A long period reads the artist's plays in group order
  // (history_plays_artist_track); a short one seeks its days (history_plays_artist) and sorts the few it finds.
  const trackPlaysBy = (index: string) =>
    db.prepare<Record<string, unknown>, TrackPlays>(
      `SELECT CAST(g.user_id AS TEXT) AS userId, CAST(g.rating_key AS TEXT) AS ratingKey,
              i.album_norm AS albumNorm, i.title_norm AS titleNorm, i.position AS position, SUM(g.plays) AS plays
       FROM (SELECT user_id, rating_key, COUNT(DISTINCT reference_id) AS plays
             FROM history_plays INDEXED BY ${index}
             WHERE artist_key IN (${artistKeys}) AND started >= @from AND started < @to
             GROUP BY artist_key, user_id, rating_key) g
       JOIN history_items i ON i.rating_key = g.rating_key
       GROUP BY g.user_id, g.rating_key`,
    );
  const trackPlaysLong = trackPlaysBy('history_plays_artist_track');
  const trackPlaysShort = trackPlaysBy('history_plays_artist');
  const listeners = db.prepare<Record<string, unknown>, { userId: string; plays: number }>(
    `SELECT CAST(user_id AS TEXT) AS userId, COUNT(DISTINCT reference_id) AS plays FROM history_plays
     WHERE artist_key IN (${artistKeys}) AND started >= @from AND started < @to
     GROUP BY user_id ORDER BY plays DESC`,
  );
  const GROUPS: Record<TopKind, { by: string; title: string; artist: string; album: string; key: string }> = {
    artists: {
      by: 'i.artist_norm',
      title: 'MAX(i.artist)',
      artist: "''",
      album: "''",
      key: 'MAX(i.artist_key)',
    },
    albums: {
      by: 'i.artist_norm, i.album_norm',
      title: 'MAX(i.album)',
      artist: 'MAX(i.artist)',
      album: "''",
      key: 'MAX(i.album_key)',
    },
    tracks: {
      by: 'i.artist_norm, i.album_norm, i.title_norm',
      title: 'MAX(i.title)',
      artist: 'MAX(i.artist)',
      album: 'MAX(i.album)',
      key: 'MAX(i.rating_key)',
    },
    listeners: { by: 'p.user_id', title: 'CAST(p.user_id AS TEXT)', artist: "''", album: "''", key: "''" },
  };
  const top = new Map<string, Database.Statement<Record<string, unknown>, TopRow>>();
  const topStatement = (kind: TopKind, oneUser: boolean) => {
    const id = `${kind}|${oneUser}`;
    let statement = top.get(id);
    if (!statement) {
      const g = GROUPS[kind];
      statement = db.prepare<Record<string, unknown>, TopRow>(
        `SELECT ${g.title} AS title, ${g.artist} AS artist, ${g.album} AS album, CAST(${g.key} AS TEXT) AS key,
                COUNT(DISTINCT p.reference_id) AS plays, SUM(p.duration) AS seconds
         FROM history_plays p JOIN history_items i ON i.rating_key = p.rating_key
         WHERE p.started >= @from AND p.started < @to ${oneUser ? 'AND p.user_id = @user' : ''}
         GROUP BY ${g.by} ORDER BY plays DESC, seconds DESC, title LIMIT @limit`,
      );
      top.set(id, statement);
    }
    return statement;
  };
  const getState = db.prepare<[string], { value: string }>('SELECT value FROM job_state WHERE key = ?');
  const setState = db.prepare(
    'INSERT INTO job_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );

  return {
    putHistory: (rows) => put(rows),
    deleteHistory: (from, to) => del.run(from, bound(to)).changes,
    countHistory: (from, to) => count.get(from, bound(to))?.n ?? 0,
    historySpan() {
      const row = span.get();
      return row?.first == null || row.last == null ? null : { first: row.first, last: row.last };
    },
    artistTrackPlays: (key, norm, from, to) =>
      (bound(to) - from > LONG_PERIOD_S ? trackPlaysLong : trackPlaysShort).all({
        key: Number(key),
        norm,
        from,
        to: bound(to),
      }),
    artistListeners: (key, norm, from, to) => listeners.all({ key: Number(key), norm, from, to: bound(to) }),
    topHistory: (kind, userId, from, to, limit) =>
      topStatement(kind, userId !== null).all({
        from,
        to: bound(to),
        limit,
        ...(userId !== null ? { user: Number(userId) } : {}),
      }),
    getState: (key) => getState.get(key)?.value,
    setState: (key, value) => void setState.run(key, value),
  };
}
