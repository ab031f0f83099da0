import { Redis } from 'ioredis';
import { UserFacingError } from '../../errors.ts';
import type { Separation } from './separation.ts';
import type { Stem } from './stems.ts';

/**
 * What the bot and `autoalex worker` agree on over Redis: the BullMQ queue, the job's data and result, where
 * the stems travel, and how a cancel reaches a worker. Both sides import this one module.
 *
 * The stems travel through Redis, not a shared folder: the GPU box is often another machine, and a folder
 * both machines mount (SMB/NFS, with matching permissions) is the harder set-up for a home user. Each result
 * is 25–100 MB of FLAC, held only until the bot copies it into its cache (it deletes the keys at once), and
 * under a TTL, so a bot that never comes back does not leave Redis full.
 */
export const QUEUE_NAME = 'remix';
/** BullMQ's key prefix, so Autoalex's keys are easy to tell apart in a shared Redis. */
export const PREFIX = 'autoalex';
export const CANCEL_CHANNEL = `${PREFIX}:remix:cancel`;
/** Stems a worker returned and the bot has not collected yet expire after this. */
export const STEMS_TTL_S = 6 * 3600;
/** A worker failure worded for the user (a UserFacingError on the worker) starts with this. */
const USER_MARK = 'user: ';

export interface SeparationJobData {
  separation: Separation;
}

/** The Redis keys holding each stem's FLAC. */
export interface SeparationJobResult {
  stems: Record<Stem, string>;
}

export const stemBlobKey = (jobId: string, stem: Stem) => `${PREFIX}:remix:stems:${jobId}:${stem}`;
/** Set before the cancel is published: a worker that takes the job later sees it at the start. */
export const cancelKey = (jobId: string) => `${PREFIX}:remix:cancelled:${jobId}`;

/**
 * A Redis connection for BullMQ. `failFast` (the bot's side): commands fail at once while Redis is away
 * instead of waiting in ioredis's offline queue, so a remix asked meanwhile is answered, not left hanging.
 * Either way ioredis keeps reconnecting in the background.
 */
export function connectRedis(url: string, options: { failFast: boolean }): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: options.failFast ? 1 : null,
    enableOfflineQueue: !options.failFast,
    retryStrategy: (times) => Math.min(times * 250, 3000),
    // BullMQ checks the server version at start; a connection that is not up yet must not throw for it.
    lazyConnect: false,
  });
}

export function queueUnreachable(): UserFacingError {
  return new UserFacingError(
    'The remix queue (Redis) is not reachable, so no separation can start. An admin needs to check that Redis is running and that REMIX_QUEUE_URL points at it.',
  );
}

/** The failedReason a worker stores for `error`: a user's message as is, anything else as a generic line. */
export function failureReason(error: unknown): string {
  return error instanceof UserFacingError ? `${USER_MARK}${error.message}` : 'unexpected error';
}

/** The user's message for a failed job, from its failedReason (BullMQ's own, for a job stalled too often). */
export function failureMessage(reason: string | undefined): UserFacingError {
  if (reason?.startsWith(USER_MARK)) return new UserFacingError(reason.slice(USER_MARK.length));
  if (reason && /stalled more than allowable limit/.test(reason))
    return new UserFacingError(
      'The remix workers stopped twice while separating this track (a worker crashed or was restarted), so it was given up. Try again; an admin can look at the workers’ logs.',
    );
  return new UserFacingError(
    'The remix worker could not separate this track. An admin can find the details in the worker’s log.',
  );
}
