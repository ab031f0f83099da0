import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The heartbeat file behind the Docker HEALTHCHECK. The running bot rewrites `DATA_DIR/heartbeat` every
 * HEARTBEAT_INTERVAL_MS and whenever its Discord connection changes (src/bot/heartbeat.ts); the health check
 * (src/healthcheck.ts) reads it. A file instead of a local HTTP endpoint: no port to publish or collide with,
 * and a bot whose event loop is stuck stops writing, which an endpoint served by the same loop would hide
 * only until its own timeout.
 */

export const HEARTBEAT_FILE = 'heartbeat';
export const HEARTBEAT_INTERVAL_MS = 30_000;
/** Two missed beats plus slack for a busy event loop; an older beat means the bot is stuck or gone. */
export const HEARTBEAT_MAX_AGE_MS = 2 * HEARTBEAT_INTERVAL_MS + 15_000;

export type ConnectionState = 'ready' | 'reconnecting' | 'stopped';

export interface Heartbeat {
  state: ConnectionState;
  /** When this beat was written (ISO 8601). */
  at: string;
  /** Since when the connection has been in `state` (ISO 8601). */
  since: string;
  pid: number;
}

export function heartbeatPath(dataDir: string): string {
  return join(dataDir, HEARTBEAT_FILE);
}

/**
 * Writes a temporary file and renames it over the old one, so the health check never reads half a beat.
 * DATA_DIR is created as the database does it: outside Docker it may not exist before the first write.
 */
export function writeHeartbeat(dataDir: string, beat: Heartbeat): void {
  mkdirSync(dataDir, { recursive: true });
  const path = heartbeatPath(dataDir);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(beat)}\n`);
  renameSync(temporary, path);
}

export interface Verdict {
  healthy: boolean;
  /** One line for `docker inspect` (Docker keeps the health check's output). */
  reason: string;
}

const STATES: readonly string[] = ['ready', 'reconnecting', 'stopped'];

function parse(text: string): Heartbeat | null {
  try {
    const beat = JSON.parse(text) as Partial<Heartbeat>;
    const valid =
      typeof beat.state === 'string' &&
      STATES.includes(beat.state) &&
      !Number.isNaN(Date.parse(String(beat.at))) &&
      !Number.isNaN(Date.parse(String(beat.since)));
    return valid ? (beat as Heartbeat) : null;
  } catch {
    return null;
  }
}

/** Healthy only when the last beat is fresh and says the bot is connected to Discord. */
export function judgeHeartbeat(dataDir: string, now: number, maxAgeMs = HEARTBEAT_MAX_AGE_MS): Verdict {
  const path = heartbeatPath(dataDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    return {
      healthy: false,
      reason:
        code === 'ENOENT'
          ? `no heartbeat at ${path} yet: the bot has not connected to Discord, or cannot write DATA_DIR`
          : `cannot read ${path} (${code ?? 'error'})`,
    };
  }
  const beat = parse(text);
  if (!beat) return { healthy: false, reason: `${path} is not a heartbeat written by Autoalex` };
  const ageS = Math.round((now - Date.parse(beat.at)) / 1000);
  if (now - Date.parse(beat.at) > maxAgeMs) {
    return { healthy: false, reason: `last heartbeat ${ageS} s ago: the bot is stuck or not running` };
  }
  if (beat.state === 'reconnecting') {
    return { healthy: false, reason: `not connected to Discord: reconnecting since ${beat.since}` };
  }
  if (beat.state === 'stopped') return { healthy: false, reason: `the bot stopped at ${beat.since}` };
  return { healthy: true, reason: `connected to Discord since ${beat.since}, last heartbeat ${ageS} s ago` };
}
