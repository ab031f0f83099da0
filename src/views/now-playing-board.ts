import { createHash } from 'node:crypto';
import type { UpstreamErrorKind } from '../errors.ts';
import type { Reply } from '../reply.ts';
import type { Activity } from '../services/tautulli/client.ts';

/**
 * The live now-playing board: the `/alex usage` message under a header of its own, which is also how the
 * bot recognises its board among its messages in the channel when the database has no record of it.
 */
export const BOARD_HEADER = '📡 **Live on Plex**';
const DOWN_COLOR = 0xe74c3c;

const streams = (n: number) => `${n} ${n === 1 ? 'stream' : 'streams'}`;

/** "3 streams" for the bot's presence; null (no line) when nothing plays. */
export function presenceText(activity: Activity): string | null {
  return activity.streamCount === 0 ? null : streams(activity.streamCount);
}

/** The usage message as a board: no buttons (it refreshes itself), a header with the count. */
export function boardReply(usage: Reply, activity: Activity, refreshS: number): Reply {
  const n = activity.streamCount;
  // The usage text's first line is its own header; later lines (streams beyond 10 embeds) are kept.
  const more = (usage.content ?? '').split('\n').slice(1);
  const embeds = (usage.embeds ?? []).map((embed) =>
    n === 0 ? { ...embed, description: `This message updates by itself every ${refreshS} s.` } : embed,
  );
  return {
    content: [`${BOARD_HEADER} · ${n === 0 ? 'nothing playing' : streams(n)}`, ...more].join('\n'),
    embeds,
    components: [],
    files: usage.files ?? [],
  };
}

/**
 * Tautulli failing: said once, with the time it started (Discord shows `<t:…:t>` as HH:MM in each
 * reader's own time zone), instead of streams that are no longer true.
 */
/** The header's word for an outage: a timeout is not "unreachable" (issue 15.16). */
function outage(kind: UpstreamErrorKind | undefined): string {
  if (kind === 'unreachable') return 'unreachable';
  if (kind === 'timeout') return 'not answering';
  return 'failing';
}

export function boardDownReply(reason: string, sinceMs: number, kind?: UpstreamErrorKind): Reply {
  const since = Math.floor(sinceMs / 1000);
  return {
    content: `${BOARD_HEADER} · Tautulli ${outage(kind)} since <t:${since}:t>`,
    embeds: [
      {
        title: 'Current streams unknown: Tautulli is not answering',
        description: `${reason}\n\nSince <t:${since}:t> (<t:${since}:R>). This board comes back by itself when Tautulli answers again.`,
        color: DOWN_COLOR,
      },
    ],
    components: [],
    files: [],
  };
}

/**
 * A fingerprint of what readers see. The embed timestamp (set on every render) is left out, so it only
 * changes with the streams themselves — progress included — and the board is edited only then.
 */
export function boardHash(reply: Reply): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([reply.content ?? '', reply.components ?? []]));
  for (const embed of reply.embeds ?? []) hash.update(JSON.stringify({ ...embed, timestamp: undefined }));
  for (const file of reply.files ?? []) hash.update(file.name).update(file.data);
  return hash.digest('hex');
}
