import type { CommandContext } from '../context.ts';
import { UserFacingError } from '../errors.ts';
import { artistByKey, resolveArtist, resolveListener } from '../lookup/resolve.ts';
import type { Reply } from '../reply.ts';
import { artistStats, EVERYONE, listenerId } from '../services/listening/stats.ts';
import type { Listener } from '../services/listening/stats.ts';
import { parsePeriod } from '../services/listening/period.ts';
import type { Period } from '../services/listening/period.ts';
import { completionEmbed, completionSentence, loadingNote, pageCount } from '../views/completion.ts';
import { pageRows } from './buttons.ts';
import { withCompletionCard } from './cards.ts';
import { namespaceCodec } from './custom-id.ts';
import { pickerReply } from './picker.ts';
import { EXPIRED_TEXT } from './types.ts';
import type { ComponentHandler } from './types.ts';

/** `who` is a Tautulli user id or EVERYONE; the `…In` actions carry a period other than all time. */
const ids = namespaceCodec('completion', {
  page: ['artistKey', 'who', 'page'],
  pick: ['who'],
  pageIn: ['artistKey', 'who', 'page', 'period'],
  pickIn: ['who', 'period'],
});

const pageId = (artistKey: string, who: string, page: number, period: Period) =>
  period.name === 'all'
    ? ids.encode('page', { artistKey, who, page })
    : ids.encode('pageIn', { artistKey, who, page, period: period.name });

/** The `/alex completion` answer for one page of albums in progress. */
async function completionReply(
  artist: { key: string; title: string },
  listener: Listener,
  page: number,
  period: Period,
  ctx: CommandContext,
): Promise<Reply> {
  const who = listenerId(listener);
  const all = await artistStats(ctx.services, artist, [who], period);
  const stats = all.listeners.get(who);
  if (!stats || stats.total === 0)
    throw new UserFacingError(`${artist.title} has no tracks in the music library.`);
  const pages = pageCount(stats);
  const current = Math.min(Math.max(0, page), pages - 1);
  const reply: Reply = {
    content: completionSentence(listener, stats, artist.title, period) + loadingNote(all.loading),
    embeds: [completionEmbed(listener, stats, artist.title, current)],
    components: pageRows(current, pages, (p) => pageId(artist.key, who, p, period)),
  };
  // Re-rendered on every page too: an edit replaces the message's attachments.
  return withCompletionCard(reply, { title: artist.title, thumb: all.artistThumb }, listener, stats, ctx);
}

/** Runs completion for free text: the artist it names, or a menu when several match. */
export async function completionFor(
  artistText: string,
  userText: string | undefined,
  ctx: CommandContext,
  periodText?: string,
): Promise<Reply> {
  const period = parsePeriod(periodText, ctx.config.timeZone);
  // Both at once: a miss waits briefly on Plex's search, the listener maybe on Tautulli's user list. When
  // both fail, the listener's error is the one shown, as when they ran one after the other.
  const [who, found] = await Promise.allSettled([
    resolveListener(userText, ctx),
    resolveArtist(artistText, ctx),
  ]);
  if (who.status === 'rejected') throw who.reason;
  if (found.status === 'rejected') throw found.reason;
  const [listener, match] = [who.value, found.value];
  if ('choices' in match) {
    const who = listenerId(listener);
    const id =
      period.name === 'all'
        ? ids.encode('pick', { who })
        : ids.encode('pickIn', { who, period: period.name });
    return pickerReply(artistText, match.choices, id);
  }
  return completionReply({ key: match.artist.key, title: match.artist.label }, listener, 0, period, ctx);
}

export const completionComponents: ComponentHandler = {
  namespace: ids.namespace,
  async handle(input, ctx) {
    const page = ids.decode(input, 'page') ?? ids.decode(input, 'pageIn');
    if (page) {
      const period = parsePeriod(
        'period' in page ? (page.period as string | undefined) : undefined,
        ctx.config.timeZone,
      );
      const listener = await resolveListener(page.who ?? EVERYONE, ctx);
      const artist = await artistByKey(page.artistKey ?? '', ctx);
      return { update: await completionReply(artist, listener, Number(page.page) || 0, period, ctx) };
    }
    const pick = ids.decode(input, 'pick') ?? ids.decode(input, 'pickIn');
    if (pick) {
      const period = parsePeriod(
        'period' in pick ? (pick.period as string | undefined) : undefined,
        ctx.config.timeZone,
      );
      const listener = await resolveListener(pick.who ?? EVERYONE, ctx);
      const artist = await artistByKey(input.values[0] ?? '', ctx);
      return { update: await completionReply(artist, listener, 0, period, ctx) };
    }
    throw new UserFacingError(EXPIRED_TEXT);
  },
};
