import { PLEX_VERSION } from '../plex/server-info.ts';
import { binhexShutdown, binhexStartup, dispatcherClosed } from './binhex.ts';
import { LogWriter } from './clock.ts';
import type { FakeContainer, FakeLogLine } from './types.ts';

export const PLEX_CONTAINER_NAME = 'binhex-plexpass';
export const PLEX_CONTAINER_ID = 'f3a91c0d7b2e4f6a8c5d1e9b0a7f3c2d6e8b4a1f9c0d2e7b5a3f8c6d1e0b9a4f';
const STARTED_AT = '2025-06-09T03:58:41.274918306Z';
/** The stop before that start (an Unraid image update), so `FinishedAt` is set even while running. */
const FINISHED_AT = '2025-06-09T03:58:37.902140117Z';
const UPTIME_DAYS = 6;
const HOUR_MS = 3_600_000;

const BUSY_DB = 'Sqlite3: Sleeping for 200ms to retry busy DB.';

/*
 * Neither binhex's scripts nor supervisord colour their output. These few lines carry SGR codes anyway, as
 * colourising tools and TTY containers produce them, so the bot's ANSI stripping is exercised on real-looking
 * log tails. They are written straight to the container's streams, not through supervisord.
 */
const COLOURED: Array<[FakeLogLine['stream'], string]> = [
  ['stderr', '\u001b[1;33m[warn]\u001b[0m Transcoder temporary folder /config/tmp is 91% full'],
  ['stderr', '\u001b[31m[error]\u001b[0m Library scan of \u001b[1m/media/Music\u001b[22m took 412 s'],
  ['stdout', '\u001b[32m[info]\u001b[39m Butler: optimize database finished in \u001b[36m38.2 s\u001b[39m'],
  ['stderr', '\u001b[38;5;208m[warn]\u001b[0m Network share /media answered after 2.7 s'],
];

/**
 * A realistic `binhex/arch-plexpass` container named `binhex-plexpass` on Unraid: running, healthy, up
 * since 2025-06-09, with about 600 log lines (the startup, nightly butler bursts of busy-database
 * warnings, library-scan bursts, a few ANSI-coloured lines, both streams). Logs are regenerated from
 * `startedAt` when that is overridden and `logs` is not.
 */
export function plexContainer(overrides: Partial<FakeContainer> = {}): FakeContainer {
  const startedAt = overrides.startedAt ?? STARTED_AT;
  return {
    name: PLEX_CONTAINER_NAME,
    id: PLEX_CONTAINER_ID,
    image: 'binhex/arch-plexpass',
    state: 'running',
    health: 'healthy',
    exitCode: 0,
    restartCount: 0,
    startedAt,
    finishedAt: FINISHED_AT,
    tty: false,
    logs: plexLogLines(startedAt),
    ...overrides,
  };
}

/** The log of a binhex-plexpass container started at `startedAt` and running for `days` days. */
export function plexLogLines(startedAt: string, days = UPTIME_DAYS): FakeLogLine[] {
  const log = new LogWriter(Date.parse(startedAt), 9);
  binhexStartup(log, 'plexpass');
  const firstNight = Math.ceil(Date.parse(startedAt) / (24 * HOUR_MS)) * 24 * HOUR_MS;
  for (let day = 0; day < days; day++) {
    const midnight = firstNight + day * 24 * HOUR_MS;
    // Plex's scheduled maintenance window is 02:00-05:00 local time (01:00-04:00 UTC in summer).
    const events = spread(log, midnight + HOUR_MS, 3 * HOUR_MS, 9 + Math.floor(log.rand() * 5)).map(
      (ms) => [ms, 'butler'] as const,
    );
    const scans = spread(log, midnight + 8 * HOUR_MS, 14 * HOUR_MS, 2 + Math.floor(log.rand() * 3));
    const coloured = spread(log, midnight + 6 * HOUR_MS, 17 * HOUR_MS, 1);
    const all = [
      ...events,
      ...scans.map((ms) => [ms, 'scan'] as const),
      ...coloured.map((ms) => [ms, 'colour'] as const),
    ];
    for (const [ms, kind] of all.sort((a, b) => a[0] - b[0])) {
      log.at(ms);
      if (kind === 'colour') colouredLine(log);
      else busyBurst(log, kind === 'butler' ? 4 : 2);
    }
  }
  // The last half hour: a scan, then a coloured warning, so any tail of 20+ lines has both streams.
  log.wait(HOUR_MS / 3);
  busyBurst(log, 3);
  log.wait(61_000);
  colouredLine(log, 0);
  log.wait(4_000);
  colouredLine(log, 2);
  log.wait(185_000);
  busyBurst(log, 2);
  return log.lines;
}

/**
 * What the log gains when Plex Media Server dies inside a running container (the binhex-plexpass
 * failure the monitor exists for): busy-database warnings, PMS's crash-report line, start.sh's goodbye,
 * and supervisord noting a clean exit, so it does not restart the program and the container stays
 * `running` but turns `unhealthy`. Append to `logs`.
 */
export function plexCrashLogs(at: string | Date): FakeLogLine[] {
  const log = new LogWriter(typeof at === 'string' ? Date.parse(at) : at.getTime(), 13);
  busyBurst(log, 4);
  log.wait(3_400);
  busyBurst(log, 4);
  log
    .wait(11_250)
    .relay('start-script', 'stderr', [
      'Error: Unable to set up server: sqlite3_statement_backend::prepare: database disk image is malformed for SQL: select * from metadata_items where id = ? (N4soci10soci_errorE)',
    ]);
  log
    .wait(2_180)
    .relay('start-script', 'stderr', [
      `****** PLEX MEDIA SERVER CRASHED, CRASH REPORT WRITTEN: /config/Plex Media Server/Crash Reports/${PLEX_VERSION}/PLEX MEDIA SERVER/6c1f0a52-8d2e-4c71-9a4b-0d5e7f3b2a91.dmp`,
    ]);
  log.wait(140).relay('start-script', 'stdout', ['[info] Plex Media Server stopped']);
  log.wait(2).sup(dispatcherClosed(11, 'start-script', 'RUNNING', 'stdout'));
  log.sup(dispatcherClosed(15, 'start-script', 'RUNNING', 'stderr'));
  log.wait(1).sup('INFO exited: start-script (exit status 0; expected)');
  log.sup('DEBG received SIGCHLD indicating a child has quit');
  return log.lines;
}

/** Log lines of a `docker restart` of a binhex container: supervisord's shutdown (if it was up), a fresh start. */
export function binhexRestartLogs(
  stoppingMs: number | undefined,
  startedMs: number,
  app: string,
): FakeLogLine[] {
  const log = new LogWriter(stoppingMs ?? startedMs, startedMs);
  if (stoppingMs !== undefined) binhexShutdown(log);
  log.at(startedMs);
  binhexStartup(log, app);
  return log.lines;
}

function spread(log: LogWriter, fromMs: number, spanMs: number, count: number): number[] {
  return Array.from({ length: count }, () => fromMs + Math.floor(log.rand() * spanMs)).sort((a, b) => a - b);
}

/** PMS waiting on its SQLite database (library scans, butler tasks), relayed by supervisord. */
function busyBurst(log: LogWriter, maxRepeats: number): void {
  const repeats = 1 + Math.floor(log.rand() * maxRepeats);
  for (let i = 0; i < repeats; i++) {
    log.relay('start-script', 'stderr', [BUSY_DB]);
    log.wait(200 + Math.floor(log.rand() * 15));
  }
}

function colouredLine(log: LogWriter, index = Math.floor(log.rand() * COLOURED.length)): void {
  const [stream, line] = COLOURED[index % COLOURED.length] as [FakeLogLine['stream'], string];
  log.line(line, stream);
}
