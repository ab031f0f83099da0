import type { Logger } from '../logger.ts';

/** Discord rate-limits message edits; progress is shown at most this often. */
export const PROGRESS_INTERVAL_MS = 2500;

/**
 * Turns a stream of progress texts into throttled edits: the first is sent at once, later ones at most
 * every interval, and the latest text always wins (intermediate ones are dropped, never queued).
 * `stop()` cancels what is pending.
 */
export function createProgress(
  edit: (text: string) => Promise<unknown>,
  logger: Logger,
  intervalMs = PROGRESS_INTERVAL_MS,
): { report: (text: string) => void; stop: () => void } {
  let lastSent = 0;
  let pending: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const send = (text: string) => {
    lastSent = Date.now();
    edit(text).catch((error: unknown) => logger.debug({ err: error }, 'progress edit failed'));
  };
  const report = (text: string) => {
    if (stopped) return;
    const wait = lastSent + intervalMs - Date.now();
    if (wait <= 0 && !timer) return send(text);
    pending = text;
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
  // Called before the final reply, so a late progress edit can never overwrite the result.
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
  };
  return { report, stop };
}
