import type { Incident, Store } from '../store/index.ts';
import { storeProblem } from '../store/problem.ts';

/**
 * Plex health: an HTTP probe of `/identity` and the up → pending → down → up state machine of Uptime Kuma.
 * `record()` turns each probe into at most one event (down, up, reminder); incidents live in SQLite, so a
 * restart of the bot while Plex is down neither forgets the incident nor alerts twice, and an alert not yet
 * posted is posted after it. When SQLite fails (read-only, full, corrupt) the monitor goes on from memory.
 */

export interface ProbeResult {
  ok: boolean;
  /** Response time, or time until failure. */
  ms: number;
  /** Why it failed, in words ("no answer within 10 s", "connection refused", "HTTP 503"). */
  reason?: string;
  version?: string;
  at: number;
}

export type MonitorEvent =
  | { kind: 'down'; incident: Incident; probe: ProbeResult }
  | { kind: 'reminder'; incident: Incident; probe: ProbeResult }
  | { kind: 'up'; incident: Incident; downtimeMs: number; probe: ProbeResult };

export type MonitorState = 'up' | 'pending' | 'down';

const CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS)',
  EHOSTUNREACH: 'host unreachable',
  ECONNRESET: 'connection reset',
  UND_ERR_SOCKET: 'connection closed',
};

/** One GET of `{PLEX_URL}/identity` (no token needed): proves the server answers, and gives its version. */
export async function probePlex(baseUrl: string, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const at = Date.now();
  const ms = () => Math.round(performance.now() - started);
  const deadline = AbortSignal.timeout(timeoutMs);
  const late = () => ({
    ok: false,
    ms: ms(),
    reason: `no answer within ${Math.round(timeoutMs / 1000)} s`,
    at,
  });
  try {
    const response = await fetch(`${baseUrl}/identity`, {
      headers: { Accept: 'application/json' },
      signal: deadline,
    });
    const body = (await response.json().catch(() => null)) as {
      MediaContainer?: { version?: string; machineIdentifier?: string };
    } | null;
    // The headers came but the body stalled: that is no answer in time, not an unexpected one.
    if (deadline.aborted) return late();
    if (!response.ok) return { ok: false, ms: ms(), reason: `HTTP ${response.status}`, at };
    if (!body?.MediaContainer?.machineIdentifier)
      return { ok: false, ms: ms(), reason: 'unexpected answer (not Plex?)', at };
    return { ok: true, ms: ms(), version: body.MediaContainer.version, at };
  } catch (error) {
    const e = error as { name?: string; cause?: { code?: string } };
    if (deadline.aborted || e.name === 'TimeoutError' || e.name === 'AbortError') return late();
    const code = e.cause?.code ?? '';
    return {
      ok: false,
      ms: ms(),
      reason: CODES[code] ?? (code ? `network error (${code})` : 'network error'),
      at,
    };
  }
}

const DEFAULT_PROBE_TIMEOUT_MS = 10_000;
/** A notice that failed is tried again after this, doubling up to RETRY_MAX_MS (default: one poll interval). */
const DEFAULT_RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 15 * 60_000;

export interface Monitor {
  /** One probe of the configured Plex (PLEX_URL, within the monitor's probe timeout). */
  probe(): Promise<ProbeResult>;
  record(probe: ProbeResult): MonitorEvent | null;
  state(): MonitorState;
  lastProbe(): ProbeResult | undefined;
  /**
   * Incidents whose alert or recovery has not reached Discord and whose back-off has passed, oldest first:
   * from the database (a previous run's too) and from memory when the database cannot be used.
   */
  dueNotices(now: number): Incident[];
  /** The pending notice was posted (the alert's message, so the recovery can answer it). */
  delivered(id: number, alert?: { channelId: string; messageId: string }): void;
  /** The pending notice could not be posted: try again later, waiting twice as long each time. */
  deliveryFailed(id: number, now: number): void;
  /** An incident by id, from the database or from memory (the alert buttons work without the database). */
  incident(id: number): Incident | undefined;
  acknowledge(id: number, by: string, at: number): void;
  /** Most recent first, overlapping `since`: the database's and those only in memory. */
  incidentsSince(since: number): Incident[];
  /** When the monitor first checked Plex (uptime counts from there). */
  watchedSince(): number | undefined;
  /** Why the database could not be used on its last use ("the file is corrupt: SQLITE_CORRUPT"), if so. */
  storeProblem(): string | undefined;
}

export function createMonitor(options: {
  store: Store;
  failureThreshold: number;
  reminderMinutes: number;
  /** Plex's address and how long a probe may take; without a URL every probe fails as not configured. */
  plexUrl?: string | undefined;
  probeTimeoutMs?: number;
  /** First wait before a failed alert post is tried again. */
  retryBaseMs?: number;
}): Monitor {
  const { store } = options;
  let open: Incident | undefined;
  let state: MonitorState = 'up';
  let failures = 0;
  let firstFailureAt = 0;
  let lastNotice = 0;
  let last: ProbeResult | undefined;
  let loaded = false;
  let problem: string | undefined;
  let firstWatched: number | undefined;
  // Incidents this run has touched, kept whatever the database does: memory is the truth for this run, the
  // database its copy for the next. Ids below zero were never stored (the database failed when they opened).
  const known = new Map<number, Incident>();
  const retries = new Map<number, { failures: number; nextAt: number }>();
  let memoryId = 0;

  /** A database call that may fail (read-only, full, corrupt, gone): the monitor goes on from memory. */
  const tryStore = <T>(work: () => T): { ok: true; value: T } | { ok: false } => {
    try {
      const value = work();
      problem = undefined;
      return { ok: true, value };
    } catch (error) {
      problem = storeProblem(error);
      return { ok: false };
    }
  };
  const keep = (incident: Incident): Incident => {
    known.set(incident.id, incident);
    if (open?.id === incident.id && incident.endedAt === null) open = incident;
    return incident;
  };
  /** What the database answers, or undefined when it cannot. */
  const read = <T>(work: () => T): T | undefined => {
    const result = tryStore(work);
    return result.ok ? result.value : undefined;
  };
  const change = (id: number, update: Partial<Omit<Incident, 'id'>>) => {
    const base = known.get(id) ?? (id > 0 ? read(() => store.getIncident(id)) : undefined);
    if (base) keep({ ...base, ...update });
    if (id > 0) tryStore(() => store.updateIncident(id, update));
  };
  // Read on first use (not at construction, so the CLI never opens the database for nothing): an incident
  // left open by a previous run means Plex was down when the bot stopped (its alert was sent, or is pending).
  const load = () => {
    if (loaded || open) return;
    const current = tryStore(() => store.currentIncident());
    if (!current.ok) return;
    loaded = true;
    open = current.value && keep(current.value);
    if (open) state = 'down';
    lastNotice = open?.confirmedAt ?? 0;
  };

  return {
    probe: async () =>
      options.plexUrl
        ? probePlex(options.plexUrl, options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS)
        : { ok: false, ms: 0, reason: 'PLEX_URL is not set', at: Date.now() },
    state: () => (load(), state),
    lastProbe: () => last,
    record(probe) {
      load();
      if (!last) {
        firstWatched = probe.at;
        tryStore(() => store.markWatched(probe.at));
      }
      last = probe;
      if (probe.ok) {
        failures = 0;
        if (state !== 'down' || !open) {
          state = 'up';
          return null;
        }
        // An alert never posted is replaced by the recovery: it says how long Plex was down, and why. News
        // is tried at once, whatever the back-off of the alert before it.
        change(open.id, { endedAt: probe.at, noticePending: 'recovery' });
        retries.delete(open.id);
        const incident = known.get(open.id) as Incident;
        open = undefined;
        state = 'up';
        return { kind: 'up', incident, downtimeMs: probe.at - incident.startedAt, probe };
      }
      if (failures === 0) firstFailureAt = probe.at;
      failures++;
      if (state === 'down' && open) {
        const reminderMs = options.reminderMinutes * 60_000;
        if (reminderMs > 0 && probe.at - lastNotice >= reminderMs) {
          lastNotice = probe.at;
          return { kind: 'reminder', incident: open, probe };
        }
        return null;
      }
      if (failures < options.failureThreshold) {
        state = 'pending';
        return null;
      }
      const reason = probe.reason ?? 'unknown failure';
      const saved = tryStore(() => store.openIncident(firstFailureAt, probe.at, reason));
      open = keep(
        saved.ok
          ? saved.value
          : {
              id: --memoryId,
              startedAt: firstFailureAt,
              confirmedAt: probe.at,
              endedAt: null,
              reason,
              alertChannelId: null,
              alertMessageId: null,
              acknowledgedBy: null,
              acknowledgedAt: null,
              noticePending: 'alert',
            },
      );
      state = 'down';
      lastNotice = probe.at;
      return { kind: 'down', incident: open, probe };
    },
    dueNotices(now) {
      const stored = read(() => store.undeliveredIncidents()) ?? [];
      const pending = new Map<number, Incident>(stored.map((i) => [i.id, i]));
      for (const incident of known.values()) pending.set(incident.id, incident);
      return [...pending.values()]
        .filter((i) => i.noticePending !== null && (retries.get(i.id)?.nextAt ?? 0) <= now)
        .sort((a, b) => a.confirmedAt - b.confirmedAt);
    },
    delivered(id, alert) {
      retries.delete(id);
      change(id, {
        noticePending: null,
        ...(alert ? { alertChannelId: alert.channelId, alertMessageId: alert.messageId } : {}),
      });
    },
    deliveryFailed(id, now) {
      const failed = (retries.get(id)?.failures ?? 0) + 1;
      const base = options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
      // Due a tenth early: the checks that retry it drift by a few milliseconds, which must not cost a whole tick.
      const wait = Math.min(base * 2 ** (failed - 1), RETRY_MAX_MS) * 0.9;
      retries.set(id, { failures: failed, nextAt: now + wait });
    },
    incident: (id) => known.get(id) ?? (id > 0 ? read(() => store.getIncident(id)) : undefined),
    acknowledge(id, by, at) {
      change(id, { acknowledgedBy: by, acknowledgedAt: at });
    },
    incidentsSince(since) {
      const stored = read(() => store.incidentsSince(since)) ?? [];
      const all = new Map<number, Incident>(stored.map((i) => [i.id, i]));
      for (const i of known.values()) if (i.endedAt === null || i.endedAt >= since) all.set(i.id, i);
      return [...all.values()].sort((a, b) => b.startedAt - a.startedAt);
    },
    watchedSince: () => read(() => store.watchedSince()) ?? firstWatched,
    storeProblem: () => problem,
  };
}

/** Share of `windowMs` before `now` that Plex was up, from the incidents (0–100). */
export function uptimePercent(incidents: readonly Incident[], windowMs: number, now: number): number {
  const from = now - windowMs;
  let down = 0;
  for (const incident of incidents) {
    const start = Math.max(from, incident.startedAt);
    const end = Math.min(now, incident.endedAt ?? now);
    if (end > start) down += end - start;
  }
  return Math.max(0, 100 - (100 * down) / windowMs);
}

/**
 * Uptime over the part of `windowMs` the monitor actually watched (since its first check): a minute after
 * the first start it is a minute's uptime, not 100 % of seven days. Null before the first check.
 */
export function observedUptime(
  incidents: readonly Incident[],
  windowMs: number,
  now: number,
  watchedSince: number | undefined,
): { percent: number; observedMs: number } | null {
  if (watchedSince === undefined || watchedSince >= now) return null;
  const observedMs = Math.min(windowMs, now - watchedSince);
  return { percent: uptimePercent(incidents, observedMs, now), observedMs };
}
