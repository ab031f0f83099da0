import { UserFacingError } from '../../errors.ts';

/** The requester cancelled: not a failure, so it is answered as "cancelled" and never logged as an error. */
export class RemixCancelledError extends UserFacingError {
  constructor() {
    super('Remix cancelled.');
    this.name = 'RemixCancelledError';
  }
}

/** The bot is shutting down (docker stop, an update): the job ends and its requester is told to run it again. */
export class RemixStoppedError extends UserFacingError {
  constructor() {
    super('Stopped: the bot restarted, run it again.');
    this.name = 'RemixStoppedError';
  }
}
