import type { Incident, Store } from '../store/index.ts';

/**
 * Plex health: an HTTP probe of `/identity` and the up → pending → down → up state machine of Uptime Kuma.
 * `record()` turns each probe into at most one event (down, up, reminder); incidents live in SQLite, so a
 * restart of the bot while Plex is down neither forgets the incident nor alerts twice.
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

export interface Monitor {
  /** One probe of the configured Plex (PLEX_URL, within the monitor's probe timeout). */
  probe(): Promise<ProbeResult>;
  record(probe: ProbeResult): MonitorEvent | null;
  state(): MonitorState;
  lastProbe(): ProbeResult | undefined;
}

export function createMonitor(options: {
  store: Store;
  failureThreshold: number;
  reminderMinutes: number;
  /** Plex's address and how long a probe may take; without a URL every probe fails as not configured. */
  plexUrl?: string | undefined;
  probeTimeoutMs?: number;
}): Monitor {
  const { store } = options;
  let open: Incident | undefined;
  let state: MonitorState = 'up';
  let failures = 0;
  let firstFailureAt = 0;
  let lastNotice = 0;
  let last: ProbeResult | undefined;
  let loaded = false;
  // Read on first use (not at construction, so the CLI never opens the database for nothing): an incident
  // left open by a previous run means Plex was down when the bot stopped, and its alert was already sent.
  const load = () => {
    if (loaded) return;
    loaded = true;
    open = store.currentIncident();
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
      if (!last) store.markWatched(probe.at);
      last = probe;
      if (probe.ok) {
        failures = 0;
        if (state !== 'down' || !open) {
          state = 'up';
          return null;
        }
        store.updateIncident(open.id, { endedAt: probe.at });
        // Re-read: the alert's message id was stored after the incident was opened.
        const incident = { ...(store.getIncident(open.id) ?? open), endedAt: probe.at };
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
          return { kind: 'reminder', incident: store.getIncident(open.id) ?? open, probe };
        }
        return null;
      }
      if (failures < options.failureThreshold) {
        state = 'pending';
        return null;
      }
      open = store.openIncident(firstFailureAt, probe.at, probe.reason ?? 'unknown failure');
      state = 'down';
      lastNotice = probe.at;
      return { kind: 'down', incident: open, probe };
    },
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
