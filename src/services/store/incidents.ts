import type Database from 'better-sqlite3';

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
  /**
   * What has not reached Discord yet: the alert (recorded with the incident, so a crash before the post
   * cannot lose it) or the recovery. Null once posted.
   */
  noticePending: NoticePending | null;
}

export type NoticePending = 'alert' | 'recovery';

export interface IncidentTable {
  openIncident(startedAt: number, confirmedAt: number, reason: string): Incident;
  updateIncident(id: number, change: Partial<Omit<Incident, 'id'>>): void;
  getIncident(id: number): Incident | undefined;
  /** The incident still open (Plex down), if any: survives a restart of the bot. */
  currentIncident(): Incident | undefined;
  /** Most recent first, including those overlapping `since` (ms). */
  incidentsSince(since: number): Incident[];
  /** Incidents whose alert or recovery is still to be posted, oldest first: survives a restart. */
  undeliveredIncidents(): Incident[];
}

const INCIDENT_COLUMNS = new Set([
  'ended_at',
  'alert_channel_id',
  'alert_message_id',
  'acknowledged_by',
  'acknowledged_at',
  'reason',
  'confirmed_at',
  'started_at',
  'notice_pending',
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
    noticePending:
      row.notice_pending === 'alert' || row.notice_pending === 'recovery' ? row.notice_pending : null,
  };
}

/** Plex outages: when they started, were confirmed and ended, and the alert message they belong to. */
export function incidentTable(db: Database.Database): IncidentTable {
  const insertIncident = db.prepare(
    "INSERT INTO incidents (started_at, confirmed_at, reason, notice_pending) VALUES (?, ?, ?, 'alert')",
  );
  const incidentById = db.prepare<[number], Record<string, unknown>>('SELECT * FROM incidents WHERE id = ?');
  const openIncidents = db.prepare<[], Record<string, unknown>>(
    'SELECT * FROM incidents WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1',
  );
  const incidentsSince = db.prepare<[number], Record<string, unknown>>(
    'SELECT * FROM incidents WHERE ended_at IS NULL OR ended_at >= ? ORDER BY id DESC',
  );
  const undelivered = db.prepare<[], Record<string, unknown>>(
    'SELECT * FROM incidents WHERE notice_pending IS NOT NULL ORDER BY id',
  );
  return {
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
    undeliveredIncidents() {
      return undelivered.all().map(toIncident);
    },
  };
}
