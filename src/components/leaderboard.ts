import { ButtonStyle, ComponentType } from 'discord.js';
import type { APIButtonComponent } from 'discord.js';
import { artistByKey, resolveArtist } from '../lookup/resolve.ts';
import type { CommandContext } from '../commands/types.ts';
import { UserFacingError } from '../errors.ts';
import type { Reply } from '../reply.ts';
import { artistLeaderboard } from '../services/listening/leaderboard.ts';
import { leaderboardEmbed, leaderboardHeadline, leaderboardPages } from '../views/leaderboard.ts';
import { encodeCustomId } from './custom-id.ts';
import { pickerReply } from './picker.ts';
import { EXPIRED_TEXT } from './types.ts';
import type { ComponentHandler } from './types.ts';

const NAMESPACE = 'leaderboard';

function pageButton(label: string, artistKey: string, page: number, disabled: boolean): APIButtonComponent {
  return {
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label,
    custom_id: encodeCustomId(NAMESPACE, 'page', artistKey, page),
    disabled,
  };
}

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
export async function leaderboardReply(
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
    components: [],
  };
  if (pages > 1) {
    // The page to show travels in the custom_id: a press is stateless and survives restarts.
    reply.components = [
      {
        type: ComponentType.ActionRow,
        components: [
          pageButton('◀ Previous', artist.key, current - 1, current === 0),
          pageButton('Next ▶', artist.key, current + 1, current >= pages - 1),
        ],
      },
    ];
  }
  return reply;
}

/** Runs the leaderboard for free text: the artist it names, or a menu when several match. */
export async function leaderboardFor(artistText: string, ctx: CommandContext): Promise<Reply> {
  const match = await resolveArtist(artistText, ctx);
  if ('choices' in match) return pickerReply(artistText, match.choices, encodeCustomId(NAMESPACE, 'pick'));
  return leaderboardReply({ key: match.artist.key, title: match.artist.label }, 0, ctx);
}

export const leaderboardComponents: ComponentHandler = {
  namespace: NAMESPACE,
  async handle({ action, args, values }, ctx) {
    switch (action) {
      case 'page': {
        const [artistKey = '', page = '0'] = args;
        return { update: await leaderboardReply(await artistByKey(artistKey, ctx), Number(page) || 0, ctx) };
      }
      case 'pick':
        return { update: await leaderboardReply(await artistByKey(values[0] ?? '', ctx), 0, ctx) };
      default:
        throw new UserFacingError(EXPIRED_TEXT);
    }
  },
};
