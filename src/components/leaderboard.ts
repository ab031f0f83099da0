import { artistByKey, resolveArtist } from '../lookup/resolve.ts';
import type { CommandContext } from '../context.ts';
import { UserFacingError } from '../errors.ts';
import type { Reply } from '../reply.ts';
import { artistLeaderboard } from '../services/listening/leaderboard.ts';
import { parsePeriod } from '../services/listening/period.ts';
import type { Period } from '../services/listening/period.ts';
import { loadingNote } from '../views/completion.ts';
import { leaderboardEmbed, leaderboardHeadline, leaderboardPages } from '../views/leaderboard.ts';
import { pageRows } from './buttons.ts';
import { namespaceCodec } from './custom-id.ts';
import { pickerReply } from './picker.ts';
import { EXPIRED_TEXT } from './types.ts';
import type { ComponentHandler } from './types.ts';

const ids = namespaceCodec('leaderboard', {
  page: ['artistKey', 'page'],
  pick: [],
  pageIn: ['artistKey', 'page', 'period'],
  pickIn: ['period'],
});

const pageId = (artistKey: string, page: number, period: Period) =>
  period.name === 'all'
    ? ids.encode('page', { artistKey, page })
    : ids.encode('pageIn', { artistKey, page, period: period.name });
const periodOf = (decoded: object, ctx: CommandContext) =>
  parsePeriod('period' in decoded ? (decoded.period as string | undefined) : undefined, ctx.config.timeZone);

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
  period: Period,
  ctx: CommandContext,
): Promise<Reply> {
  const board = await artistLeaderboard(ctx.services, artist, period);
  if (board.total === 0) throw new UserFacingError(`${artist.title} has no tracks in the music library.`);
  const pages = leaderboardPages(board);
  const current = Math.min(Math.max(0, page), pages - 1);
  const reply: Reply = {
    content: leaderboardHeadline(board) + loadingNote(board.loading),
    embeds: [leaderboardEmbed(board, current, callerUserId(ctx))],
    components: pageRows(current, pages, (p) => pageId(artist.key, p, period)),
  };
  return reply;
}

/** Runs the leaderboard for free text: the artist it names, or a menu when several match. */
export async function leaderboardFor(
  artistText: string,
  ctx: CommandContext,
  periodText?: string,
): Promise<Reply> {
  const period = parsePeriod(periodText, ctx.config.timeZone);
  const match = await resolveArtist(artistText, ctx);
  if ('choices' in match) {
    const id = period.name === 'all' ? ids.encode('pick', {}) : ids.encode('pickIn', { period: period.name });
    return pickerReply(artistText, match.choices, id);
  }
  return leaderboardReply({ key: match.artist.key, title: match.artist.label }, 0, period, ctx);
}

export const leaderboardComponents: ComponentHandler = {
  namespace: ids.namespace,
  async handle(input, ctx) {
    const page = ids.decode(input, 'page') ?? ids.decode(input, 'pageIn');
    if (page) {
      const artist = await artistByKey(page.artistKey ?? '', ctx);
      return { update: await leaderboardReply(artist, Number(page.page) || 0, periodOf(page, ctx), ctx) };
    }
    const pick = ids.decode(input, 'pick') ?? ids.decode(input, 'pickIn');
    if (pick) {
      const artist = await artistByKey(input.values[0] ?? '', ctx);
      return { update: await leaderboardReply(artist, 0, periodOf(pick, ctx), ctx) };
    }
    throw new UserFacingError(EXPIRED_TEXT);
  },
};
