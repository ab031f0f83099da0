import type { Logger } from '../logger.ts';
import type { Reply } from '../reply.ts';

export type ProgressUpdate = string | Reply;

/** Discord rate-limits message edits; progress is shown at most this often. */
export const PROGRESS_INTERVAL_MS = 2500;

/**
 * Turns a stream of progress texts into throttled edits: the first is sent at once, later ones at most
 * every interval, and the latest text always wins (intermediate ones are dropped, never queued; a text
 * that follows a waiting whole message only replaces that message's text).
 * `stop()` cancels what is pending.
 */
export function createProgress(
  edit: (update: ProgressUpdate) => Promise<unknown>,
  logger: Logger,
  intervalMs = PROGRESS_INTERVAL_MS,
): { report: (update: ProgressUpdate) => void; stop: () => Promise<unknown> } {
  let lastSent = 0;
  let pending: ProgressUpdate | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  const send = (update: ProgressUpdate) => {
    lastSent = Date.now();
    inFlight = edit(update).catch((error: unknown) => logger.debug({ err: error }, 'progress edit failed'));
  };
  const report = (update: ProgressUpdate) => {
    if (stopped) return;
    const wait = lastSent + intervalMs - Date.now();
    if (wait <= 0 && !timer) return send(update);
    // A text changes only the text: a whole message still waiting (a remix preview with its file) keeps
    // everything else, or the file would never be shown.
    pending =
      typeof update === 'string' && typeof pending === 'object' ? { ...pending, content: update } : update;
    timer ??= setTimeout(
      () => {
        timer = undefined;
        if (pending !== undefined) send(pending);
        pending = undefined;
      },
      Math.max(0, wait),
    );
    timer.unref();
  };
  // Called before the final reply: shows the latest state if it was still waiting (e.g. "Uploading…" while
  // the result travels), and waits for that edit, so a late progress edit can never overwrite the result.
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    if (pending !== undefined) send(pending);
    pending = undefined;
    return inFlight;
  };
  return { report, stop };
}
