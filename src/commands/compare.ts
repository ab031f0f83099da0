import { pickerReply } from '../components/picker.ts';
import { encodeCustomId } from '../components/custom-id.ts';
import { UserFacingError } from '../errors.ts';
import type { Reply } from '../reply.ts';
import { artistStats } from '../services/listening/stats.ts';
import { withBattleCard } from '../components/cards.ts';
import { battleEmbed, battleHeadline, battleWinner } from '../views/compare.ts';
import { ARTIST_OPTION, libraryChoices, userChoices } from '../lookup/choices.ts';
import { resolveArtist, resolveListener } from '../lookup/resolve.ts';
import type { Listener } from '../lookup/resolve.ts';
import type { Command, CommandContext } from './types.ts';

type UserListener = Extract<Listener, { kind: 'user' }>;

export async function twoUsers(
  a: string,
  b: string | undefined,
  ctx: CommandContext,
): Promise<[UserListener, UserListener]> {
  const first = await resolveListener(a, ctx);
  const second = await resolveListener(b, ctx);
  if (first.kind === 'all' || second.kind === 'all')
    throw new UserFacingError('A battle needs two Plex users, not everyone.');
  if (first.userId === second.userId) throw new UserFacingError('Pick two different users to compare.');
  return [first, second];
}

/** The battle for one artist between two users (one Plex walk, one Tautulli walk for both users). */
export async function battleReply(
  artist: { key: string; title: string },
  users: [UserListener, UserListener],
  ctx: CommandContext,
): Promise<Reply> {
  const stats = await artistStats(
    ctx.services,
    artist,
    users.map((u) => u.userId),
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
    content: battleHeadline(artist.title, a, b),
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

/** `/alex compare artist user_a [user_b]`: a listening battle; user_b defaults to the caller. */
export const compare: Command = {
  name: 'compare',
  description: 'Listening battle: two users, one artist',
  options: [
    ARTIST_OPTION,
    {
      name: 'user_a',
      description: 'Plex user',
      type: 'string',
      required: true,
      autocomplete: true,
      maxLength: 100,
    },
    {
      name: 'user_b',
      description: 'Plex user (default: you)',
      type: 'string',
      autocomplete: true,
      maxLength: 100,
    },
  ],
  defer: true,
  examples: ['/alex compare artist:Skrillex user_a:Sam', '!alex compare Skrillex user_a:Sam user_b:Alex'],
  async run(args, ctx) {
    const users = await twoUsers(
      String(args.user_a),
      args.user_b === undefined ? undefined : String(args.user_b),
      ctx,
    );
    const match = await resolveArtist(String(args.artist), ctx);
    if ('choices' in match) {
      return pickerReply(
        String(args.artist),
        match.choices,
        encodeCustomId('compare', 'pick', users[0].userId, users[1].userId),
      );
    }
    return battleReply({ key: match.artist.key, title: match.artist.label }, users, ctx);
  },
  async complete(option, text, _args, ctx) {
    if (option === 'artist') return libraryChoices('artist', text, ctx);
    return userChoices(text, ctx, false);
  },
};
