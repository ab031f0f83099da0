import type { FakeLogLine } from './types.ts';

/** The container's TZ (Unraid passes the host's); its own log prefixes use local time, Docker's use UTC. */
export const CONTAINER_TZ = 'Europe/London';

const LOCAL = new Intl.DateTimeFormat('en-GB', {
  timeZone: CONTAINER_TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

function localParts(ms: number): Record<string, string> {
  return Object.fromEntries(LOCAL.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
}

/** 'YYYY-MM-DD HH:MM:SS' in the container's time zone. */
export function localTime(ms: number): string {
  const p = localParts(ms);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** RFC 3339 with nanoseconds in the daemon's local zone, as Go marshals `time.Now()` (health log entries). */
export function localIso(ms: number, subMsNanos = 0): string {
  const p = localParts(ms);
  const offset = (p.timeZoneName ?? 'GMT').replace('GMT', '') || 'Z';
  const frac = String(ms % 1000).padStart(3, '0') + String(subMsNanos).padStart(6, '0');
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.${frac}${offset}`;
}

/** RFC 3339 UTC with 9 fraction digits, Docker's `rfc3339NanoFixed` (log timestamps). */
export function utcIso(ms: number, subMsNanos = 0): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(subMsNanos).padStart(6, '0')}Z`;
}

/** Deterministic pseudo-random numbers (mulberry32), so generated logs are the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Appends log lines with strictly increasing Docker timestamps. `at` moves the clock; each line then
 * lands a few dozen microseconds after the previous one, like a burst written in one go.
 */
export class LogWriter {
  readonly lines: FakeLogLine[] = [];
  private ms: number;
  private sub = 0;
  private readonly random: () => number;

  constructor(startMs: number, seed = 1) {
    this.ms = Math.floor(startMs);
    this.random = seeded(seed);
  }

  get now(): number {
    return this.ms;
  }

  rand(): number {
    return this.random();
  }

  /** Moves the clock forward (never back) by `deltaMs`, or to `absoluteMs` if later. */
  at(absoluteMs: number): this {
    if (absoluteMs > this.ms)
      [this.ms, this.sub] = [Math.floor(absoluteMs), Math.floor(this.random() * 800_000)];
    return this;
  }

  wait(deltaMs: number): this {
    return this.at(this.ms + deltaMs);
  }

  line(line: string, stream: 'stdout' | 'stderr' = 'stdout'): this {
    this.sub += 20_000 + Math.floor(this.random() * 180_000);
    if (this.sub >= 1_000_000) [this.ms, this.sub] = [this.ms + 1, this.sub - 1_000_000];
    this.lines.push({ stream, line, time: utcIso(this.ms, this.sub) });
    return this;
  }

  /** A line prefixed like binhex's `ts '%Y-%m-%d %H:%M:%.S'` (local time, microseconds). */
  ts(message: string): this {
    const micros =
      String(this.ms % 1000).padStart(3, '0') + String(Math.floor(this.sub / 1000)).padStart(3, '0');
    return this.line(`${localTime(this.ms)}.${micros} ${message}`);
  }

  /** A supervisord log line (`%(asctime)s %(levelname)s %(message)s`, comma before milliseconds). */
  sup(message: string): this {
    return this.line(`${localTime(this.ms)},${String(this.ms % 1000).padStart(3, '0')} ${message}`);
  }

  /**
   * A child's output as supervisord (loglevel=debug) relays it to its stdout: a DEBG header, the lines,
   * and an empty line, because the chunk's own newline meets the log format's newline.
   */
  relay(program: string, channel: 'stdout' | 'stderr', lines: string[]): this {
    this.sup(`DEBG '${program}' ${channel} output:`);
    for (const l of lines) this.line(l);
    return this.line('');
  }
}
