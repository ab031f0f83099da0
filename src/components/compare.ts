import { battleReply, twoUsers } from '../commands/compare.ts';
import { artistByKey } from '../lookup/resolve.ts';
import { UserFacingError } from '../errors.ts';
import { EXPIRED_TEXT } from './types.ts';
import type { ComponentHandler } from './types.ts';

/** `compare:pick:<userA>:<userB>`: the artist chosen from "several artists match". */
export const compareComponents: ComponentHandler = {
  namespace: 'compare',
  async handle({ action, args, values }, ctx) {
    if (action !== 'pick' || args.length !== 2) {
      throw new UserFacingError(EXPIRED_TEXT);
    }
    const users = await twoUsers(args[0] as string, args[1], ctx);
    return { update: await battleReply(await artistByKey(values[0] ?? '', ctx), users, ctx) };
  },
};
