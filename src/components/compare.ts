import { battleReply, twoUsers } from '../commands/compare.ts';
import { resolveArtist } from '../commands/resolve.ts';
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
    const match = await resolveArtist(values[0] ?? '', ctx);
    if ('choices' in match) throw new UserFacingError('That artist is no longer in the library.');
    return { update: await battleReply({ key: match.artist.key, title: match.artist.label }, users, ctx) };
  },
};
