import { engineError, engineHeaders, versionAtLeast } from './engine.ts';
import type { EngineReply } from './engine.ts';
import { isUp } from './inspect.ts';
import type { FakeContainer, FakeLogLine } from './types.ts';

/** moby httputils.BoolValue: anything but '', '0', 'no', 'false' and 'none' is true (dockerode sends 'true'). */
export const boolValue = (v: string | undefined): boolean =>
  !['', '0', 'no', 'false', 'none'].includes((v ?? '').trim().toLowerCase());

const STREAM_TYPE = { stdout: 1, stderr: 2 } as const;

/** One frame of Docker's multiplexed stream: [type 1|2, 0, 0, 0, uint32 BE size] + payload. */
export function frame(stream: FakeLogLine['stream'], payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = STREAM_TYPE[stream];
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Seconds and nanoseconds since the epoch of an RFC 3339 time, kept exact beyond milliseconds. */
function epochNanos(iso: string): bigint {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(iso);
  if (!m) return BigInt(Date.parse(iso)) * 1_000_000n;
  const seconds = BigInt(Date.parse(`${m[1]}${m[3]}`) / 1000);
  return seconds * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 9));
}

/** Docker's `rfc3339NanoFixed` (always nine fraction digits, UTC). */
function fixedNano(iso: string): string {
  const ns = epochNanos(iso);
  const seconds = ns / 1_000_000_000n;
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${whole}.${String(ns % 1_000_000_000n).padStart(9, '0')}Z`;
}

/** `since`/`until` as Docker 27 parses them: '<seconds>[.<nanoseconds>]' (timetypes.ParseTimestamps). */
function parseTimestamp(value: string): bigint | string {
  const [s = '', n] = value.split('.', 2);
  if (!/^-?\d+$/.test(s)) return `strconv.ParseInt: parsing "${s}": invalid syntax`;
  if (n !== undefined && !/^\d+$/.test(n)) return `strconv.ParseInt: parsing "${n}": invalid syntax`;
  return BigInt(s) * 1_000_000_000n + BigInt((n ?? '').padEnd(9, '0').slice(0, 9) || '0');
}

/**
 * `GET /containers/{id}/logs` as Docker 27.5 answers it with the json-file driver: `tail` is counted over
 * both streams before `stdout`/`stderr` filter them (so `stdout=1&tail=10` can return fewer than 10),
 * `timestamps=1` prefixes `2025-06-09T03:58:41.274918306Z `, TTY containers get raw `\r\n` lines and every
 * line on stdout, others one multiplexed frame per line.
 */
export function logsReply(c: FakeContainer, query: Record<string, string>, apiVersion: string): EngineReply {
  const [stdout, stderr] = [boolValue(query.stdout), boolValue(query.stderr)];
  if (!stdout && !stderr) return engineError(400, 'Bad parameters: you must choose at least one stream');
  if (c.state === 'dead') {
    return engineError(409, 'can not get logs from container which is dead or marked for removal');
  }
  const since = query.since ? parseTimestamp(query.since) : 0n;
  const until = query.until && query.until !== '0' ? parseTimestamp(query.until) : undefined;
  if (typeof since === 'string') return engineError(500, since);
  if (typeof until === 'string') return engineError(500, until);

  const tail = /^[+-]?\d+$/.test(query.tail ?? '') ? Number(query.tail) : -1;
  let lines = c.state === 'created' ? [] : c.logs;
  if (tail >= 0) lines = tail === 0 ? [] : lines.slice(-tail);
  const timestamps = boolValue(query.timestamps);
  const chunks: Buffer[] = [];
  for (const entry of lines) {
    const time = entry.time ?? c.startedAt;
    const ns = epochNanos(time);
    if (ns < since || (until !== undefined && ns > until)) continue;
    const stream = c.tty ? 'stdout' : entry.stream;
    if ((stream === 'stdout' && !stdout) || (stream === 'stderr' && !stderr)) continue;
    // A TTY turns "\n" into "\r\n" (onlcr); the json-file driver splits on "\n", keeping the "\r".
    const text = `${timestamps ? `${fixedNano(time)} ` : ''}${entry.line}${c.tty ? '\r' : ''}\n`;
    const payload = Buffer.from(text);
    chunks.push(c.tty ? payload : frame(stream, payload));
  }
  // API < 1.42 labelled multiplexed bodies raw-stream too; the body is multiplexed all the same.
  const multiplexed = !c.tty && versionAtLeast(apiVersion, '1.42');
  return {
    status: 200,
    headers: {
      ...engineHeaders(),
      'Content-Type': `application/vnd.docker.${multiplexed ? 'multiplexed' : 'raw'}-stream`,
    },
    body: Buffer.concat(chunks),
    // Only a started container's live logger can be followed; otherwise Docker ends the stream at once.
    keepOpen: boolValue(query.follow) && isUp(c),
  };
}
