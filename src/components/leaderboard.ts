import { artistByKey, resolveArtist } from '../lookup/resolve.ts';
import type { CommandContext } from '../context.ts';
import { UserFacingError } from '../errors.ts';
import type { Reply } from '../reply.ts';
import { artistLeaderboard } from '../services/listening/leaderboard.ts';
import { leaderboardEmbed, leaderboardHeadline, leaderboardPages } from '../views/leaderboard.ts';
import { pageRows } from './buttons.ts';
import { namespaceCodec } from './custom-id.ts';
import { pickerReply } from './picker.ts';
import { EXPIRED_TEXT } from './types.ts';
import type { ComponentHandler } from './types.ts';

const ids = namespaceCodec('leaderboard', { page: ['artistKey', 'page'], pick: [] });

/** The caller's Plex user, to mark their row. A leaderboard needs no link: no link (or database) is fine. */
function callerUserId(ctx: CommandContext): string | undefined {
  if (ctx.transport === 'cli') return undefined;
  try {
    return ctx.services.store.getLink(ctx.caller.id)?.plexUserId;
  } catch {
    return undefined;
  }
}

/** The `/alex leaderboard` answer for one page of listeners. */
async function leaderboardReply(
  artist: { key: string; title: string },
  page: number,
  ctx: CommandContext,
): Promise<Reply> {
  const board = await artistLeaderboard(ctx.services, artist);
  if (board.total === 0) throw new UserFacingError(`${artist.title} has no tracks in the music library.`);
  const pages = leaderboardPages(board);
  const current = Math.min(Math.max(0, page), pages - 1);
  const reply: Reply = {
    content: leaderboardHeadline(board),
    embeds: [leaderboardEmbed(board, current, callerUserId(ctx))],
    components: pageRows(current, pages, (p) => ids.encode('page', { artistKey: artist.key, page: p })),
  };
  return reply;
}

/** Runs the leaderboard for free text: the artist it names, or a menu when several match. */
export async function leaderboardFor(artistText: string, ctx: CommandContext): Promise<Reply> {
  const match = await resolveArtist(artistText, ctx);
  if ('choices' in match) return pickerReply(artistText, match.choices, ids.encode('pick', {}));
  return leaderboardReply({ key: match.artist.key, title: match.artist.label }, 0, ctx);
}

export const leaderboardComponents: ComponentHandler = {
  namespace: ids.namespace,
  async handle(input, ctx) {
    const page = ids.decode(input, 'page');
    if (page) {
      const artist = await artistByKey(page.artistKey ?? '', ctx);
      return { update: await leaderboardReply(artist, Number(page.page) || 0, ctx) };
    }
    if (ids.decode(input, 'pick'))
      return { update: await leaderboardReply(await artistByKey(input.values[0] ?? '', ctx), 0, ctx) };
    throw new UserFacingError(EXPIRED_TEXT);
  },
};
