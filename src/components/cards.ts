import type { Listener } from '../services/listening/stats.ts';
import type { CommandContext } from '../context.ts';
import type { Reply } from '../reply.ts';
import { truncate } from '../markdown.ts';
import type { ListenerStats } from '../services/listening/stats.ts';
import { percent } from '../services/listening/stats.ts';
import { renderBattleCard } from '../views/cards/battle-card.ts';
import { renderCompletionCard } from '../views/cards/completion-card.ts';
import { memoCard } from '../views/cards/memo.ts';
import {
  battleCardInput,
  battleThumbs,
  completionCardInput,
  completionThumbs,
  COVER_SIZE,
} from '../views/cards/inputs.ts';
import { countOf } from '../words.ts';

/** A card never waits longer than this for its covers; late ones are placeholders this time. */
export const CARD_COVER_BUDGET_MS = 1500;

/** Discord's limit on an attachment's description (its alt text). */
const ALT_TEXT_MAX = 1024;

type Artist = { title: string; thumb: string | undefined };

/**
 * Renders a card and attaches it to the reply, shown as the first embed's image. The embed stays the
 * accessible text; when rendering fails the reply goes out without the image, never as an error.
 */
async function attach(
  reply: Reply,
  card: { name: string; alt: string; render: () => Promise<Buffer> },
  ctx: CommandContext,
): Promise<Reply> {
  const started = performance.now();
  try {
    const data = await card.render();
    if (data.length > ctx.attachmentSizeLimit)
      throw new Error(`card is ${data.length} bytes, over the limit`);
    ctx.logger.debug(
      { card: card.name, bytes: data.length, ms: Math.round(performance.now() - started) },
      'card',
    );
    const [first, ...rest] = reply.embeds ?? [];
    return {
      ...reply,
      embeds: first ? [{ ...first, image: { url: `attachment://${card.name}` } }, ...rest] : reply.embeds,
      files: [
        ...(reply.files ?? []),
        { name: card.name, data, description: truncate(card.alt, ALT_TEXT_MAX) },
      ],
    };
  } catch (error) {
    ctx.logger.warn({ err: error, card: card.name }, 'card rendering failed; replying without it');
    return reply;
  }
}

/** The completion reply with its card (`completion.png`). */
export function withCompletionCard(
  reply: Reply,
  artist: Artist,
  listener: Listener,
  stats: ListenerStats,
  ctx: CommandContext,
): Promise<Reply> {
  const who = listener.kind === 'all' ? 'Everyone on this server' : listener.name;
  return attach(
    reply,
    {
      name: 'completion.png',
      alt: `Completion card: ${who}, ${percent(stats.played, stats.total)}% of ${artist.title} (${countOf(stats.played, stats.total, 'track')}, ${countOf(stats.albumsCompleted, stats.albums.length, 'album')} completed)`,
      render: async () => {
        const covers = await ctx.services.covers.getMany(
          completionThumbs(artist, stats),
          COVER_SIZE,
          CARD_COVER_BUDGET_MS,
        );
        return memoCard('completion', completionCardInput(artist, who, stats, covers), renderCompletionCard);
      },
    },
    ctx,
  );
}

/** The battle reply with its card (`compare.png`); `winner` as the embed decided it. */
export function withBattleCard(
  reply: Reply,
  artist: Artist,
  a: { name: string; stats: ListenerStats },
  b: { name: string; stats: ListenerStats },
  winner: 'a' | 'b' | null,
  ctx: CommandContext,
): Promise<Reply> {
  const score = (s: { name: string; stats: ListenerStats }) =>
    `${s.name} ${percent(s.stats.played, s.stats.total)}% (${s.stats.plays} plays)`;
  const verdict = winner ? `${(winner === 'a' ? a : b).name} wins` : 'a tie';
  return attach(
    reply,
    {
      name: 'compare.png',
      alt: `Listening battle card for ${artist.title}: ${score(a)} vs ${score(b)}, ${verdict}`,
      render: async () => {
        const covers = await ctx.services.covers.getMany(
          battleThumbs(artist, a.stats, b.stats),
          COVER_SIZE,
          CARD_COVER_BUDGET_MS,
        );
        return memoCard('battle', battleCardInput(artist, a, b, winner, covers), renderBattleCard);
      },
    },
    ctx,
  );
}
