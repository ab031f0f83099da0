import { ButtonStyle, ComponentType } from 'discord.js';
import type { APIButtonComponent } from 'discord.js';
import type { CommandContext } from '../commands/types.ts';
import { artistByKey, EVERYONE, resolveArtist, resolveListener } from '../lookup/resolve.ts';
import type { Listener } from '../lookup/resolve.ts';
import { UserFacingError } from '../errors.ts';
import type { Reply } from '../reply.ts';
import { ALL_LISTENERS, artistStats } from '../services/listening/stats.ts';
import { withCompletionCard } from './cards.ts';
import { completionEmbed, completionSentence, pageCount } from '../views/completion.ts';
import { pickerReply } from './picker.ts';
import { encodeCustomId } from './custom-id.ts';
import { EXPIRED_TEXT } from './types.ts';
import type { ComponentHandler } from './types.ts';

const NAMESPACE = 'completion';

const listenerId = (listener: Listener) => (listener.kind === 'all' ? ALL_LISTENERS : listener.userId);

function pageButton(
  label: string,
  artistKey: string,
  who: string,
  page: number,
  disabled: boolean,
): APIButtonComponent {
  return {
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label,
    custom_id: encodeCustomId(NAMESPACE, 'page', artistKey, who, page),
    disabled,
  };
}

/** The `/alex completion` answer for one page of albums in progress. */
export async function completionReply(
  artist: { key: string; title: string },
  listener: Listener,
  page: number,
  ctx: CommandContext,
): Promise<Reply> {
  const who = listenerId(listener);
  const all = await artistStats(ctx.services, artist, [who]);
  const stats = all.listeners.get(who);
  if (!stats || stats.total === 0)
    throw new UserFacingError(`${artist.title} has no tracks in the music library.`);
  const pages = pageCount(stats);
  const current = Math.min(Math.max(0, page), pages - 1);
  const reply: Reply = {
    content: completionSentence(listener, stats, artist.title),
    embeds: [completionEmbed(listener, stats, artist.title, current)],
    components: [],
  };
  if (pages > 1) {
    // The custom_id carries the page to show: a press is stateless and survives restarts.
    reply.components = [
      {
        type: ComponentType.ActionRow,
        components: [
          pageButton('◀ Previous', artist.key, who, current - 1, current === 0),
          pageButton('Next ▶', artist.key, who, current + 1, current >= pages - 1),
        ],
      },
    ];
  }
  // Re-rendered on every page too: an edit replaces the message's attachments.
  return withCompletionCard(reply, { title: artist.title, thumb: all.artistThumb }, listener, stats, ctx);
}

/** Runs completion for free text: the artist it names, or a menu when several match. */
export async function completionFor(
  artistText: string,
  userText: string | undefined,
  ctx: CommandContext,
): Promise<Reply> {
  const listener = await resolveListener(userText, ctx);
  const match = await resolveArtist(artistText, ctx);
  if ('choices' in match)
    return pickerReply(artistText, match.choices, encodeCustomId(NAMESPACE, 'pick', listenerId(listener)));
  return completionReply({ key: match.artist.key, title: match.artist.label }, listener, 0, ctx);
}

export const completionComponents: ComponentHandler = {
  namespace: NAMESPACE,
  async handle({ action, args, values }, ctx) {
    switch (action) {
      case 'page': {
        const [artistKey = '', who = EVERYONE, page = '0'] = args;
        const listener = await resolveListener(who, ctx);
        return {
          update: await completionReply(await artistByKey(artistKey, ctx), listener, Number(page) || 0, ctx),
        };
      }
      case 'pick': {
        const listener = await resolveListener(args[0] ?? EVERYONE, ctx);
        return { update: await completionReply(await artistByKey(values[0] ?? '', ctx), listener, 0, ctx) };
      }
      default:
        throw new UserFacingError(EXPIRED_TEXT);
    }
  },
};
