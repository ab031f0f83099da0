import { UserFacingError } from '../errors.ts';
import type { CommandContext } from '../context.ts';
import { artistByKey, resolveArtist, resolveListener } from '../lookup/resolve.ts';
import type { Reply } from '../reply.ts';
import { artistStats } from '../services/listening/stats.ts';
import { parsePeriod } from '../services/listening/period.ts';
import type { Period } from '../services/listening/period.ts';
import type { Listener } from '../services/listening/stats.ts';
import { battleEmbed, battleHeadline, battleWinner } from '../views/compare.ts';
import { loadingNote } from '../views/completion.ts';
import { withBattleCard } from './cards.ts';
import { namespaceCodec } from './custom-id.ts';
import { pickerReply } from './picker.ts';
import { EXPIRED_TEXT } from './types.ts';
import type { ComponentHandler } from './types.ts';

type UserListener = Extract<Listener, { kind: 'user' }>;

/** `compare:pick:<userA>:<userB>`: the artist chosen from "several artists match". */
const ids = namespaceCodec('compare', {
  pick: ['userA', 'userB'],
  pickIn: ['userA', 'userB', 'period'],
});

async function twoUsers(
  a: string,
  b: string | undefined,
  ctx: CommandContext,
): Promise<[UserListener, UserListener]> {
  const first = await resolveListener(a, ctx);
  const second = await resolveListener(b, ctx);
  // No user_b means "me"; `!plex` and the terminal read an unknown "me" as everyone, which cannot battle.
  if (b === undefined && second.kind === 'all')
    throw new UserFacingError(
      ctx.transport === 'cli'
        ? 'Compare with whom? Give `user_b` too: at the terminal there is no linked “you”.'
        : 'Compare with whom? You are not linked to a Plex user: link yourself with `/alex link`, or give `user_b`.',
    );
  if (first.kind === 'all' || second.kind === 'all')
    throw new UserFacingError('A battle needs two Plex users, not everyone.');
  if (first.userId === second.userId) throw new UserFacingError('Pick two different users to compare.');
  return [first, second];
}

/** The battle for one artist between two users (one Plex walk, one Tautulli walk for both users). */
async function battleReply(
  artist: { key: string; title: string },
  users: [UserListener, UserListener],
  period: Period,
  ctx: CommandContext,
): Promise<Reply> {
  const stats = await artistStats(
    ctx.services,
    artist,
    users.map((u) => u.userId),
    period,
  );
  const named = (listener: UserListener) => {
    const forUser = stats.listeners.get(listener.userId);
    if (!forUser) throw new Error(`no stats computed for user ${listener.userId}`);
    return { listener, stats: forUser };
  };
  const a = named(users[0]);
  const b = named(users[1]);
  if (a.stats.total === 0) throw new UserFacingError(`${artist.title} has no tracks in the music library.`);
  const reply = {
    content: battleHeadline(artist.title, a, b, period) + loadingNote(stats.loading),
    embeds: [battleEmbed(artist.title, a, b, stats.tracks)],
  };
  const winner = battleWinner(a, b);
  return withBattleCard(
    reply,
    { title: artist.title, thumb: stats.artistThumb },
    { name: a.listener.name, stats: a.stats },
    { name: b.listener.name, stats: b.stats },
    winner === a ? 'a' : winner === b ? 'b' : null,
    ctx,
  );
}

/** Runs a battle for free text: the artist it names, or a menu when several match. `userB` defaults to the caller. */
export async function compareFor(
  artistText: string,
  userA: string,
  userB: string | undefined,
  ctx: CommandContext,
  periodText?: string,
): Promise<Reply> {
  const period = parsePeriod(periodText, ctx.config.timeZone);
  const users = await twoUsers(userA, userB, ctx);
  const match = await resolveArtist(artistText, ctx);
  if ('choices' in match) {
    const pair = { userA: users[0].userId, userB: users[1].userId };
    const id =
      period.name === 'all'
        ? ids.encode('pick', pair)
        : ids.encode('pickIn', { ...pair, period: period.name });
    return pickerReply(artistText, match.choices, id);
  }
  return battleReply({ key: match.artist.key, title: match.artist.label }, users, period, ctx);
}

export const compareComponents: ComponentHandler = {
  namespace: ids.namespace,
  async handle(input, ctx) {
    const pick = ids.decode(input, 'pick') ?? ids.decode(input, 'pickIn');
    if (!pick) throw new UserFacingError(EXPIRED_TEXT);
    const period = parsePeriod(
      'period' in pick ? (pick.period as string | undefined) : undefined,
      ctx.config.timeZone,
    );
    const users = await twoUsers(pick.userA ?? '', pick.userB, ctx);
    const artist = await artistByKey(input.values[0] ?? '', ctx);
    return { update: await battleReply(artist, users, period, ctx) };
  },
};
