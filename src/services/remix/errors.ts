import { UserFacingError } from '../../errors.ts';

/** The requester cancelled: not a failure, so it is answered as "cancelled" and never logged as an error. */
export class RemixCancelledError extends UserFacingError {
  constructor() {
    super('Remix cancelled.');
    this.name = 'RemixCancelledError';
  }
}
