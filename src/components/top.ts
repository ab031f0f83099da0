import { escapeMarkdown, quoteTyped } from '../markdown.ts';
import type { CommandContext } from '../context.ts';
import { UserFacingError } from '../errors.ts';
import { resolveArtist, resolveListener } from '../lookup/resolve.ts';
import type { Reply } from '../reply.ts';
import { parsePeriod } from '../services/listening/period.ts';
import { listenerId } from '../services/listening/stats.ts';
import type { TopKind } from '../services/store/index.ts';
import { listenersEmbed, topEmbed } from '../views/top.ts';

/** Entries per top list: one embed, readable on a phone. */
export const TOP_LIMIT = 10;
export const TOP_KINDS = ['artists', 'albums', 'tracks'] as const;
type ListKind = Exclude<TopKind, 'listeners'>;

function kindOf(text: string | undefined): ListKind {
  const kind = (text ?? 'artists').trim().toLowerCase();
  if ((TOP_KINDS as readonly string[]).includes(kind)) return kind as ListKind;
  throw new UserFacingError('`what` must be artists, albums or tracks.');
}

/** `/alex top`: a user's (or everyone's) top artists, albums or tracks in a period, from the local history. */
export async function topFor(
  args: { user?: string; period?: string; what?: string; artist?: string },
  ctx: CommandContext,
): Promise<Reply> {
  const period = parsePeriod(args.period, ctx.config.timeZone);
  if (args.artist !== undefined) return whoListens(args.artist, period, ctx);
  const kind = kindOf(args.what);
  const listener = await resolveListener(args.user, ctx);
  const who = listener.kind === 'all' ? 'everyone' : listener.name;
  const rows = ctx.services.history.top(
    kind,
    listener.kind === 'all' ? null : listenerId(listener),
    period,
    TOP_LIMIT,
  );
  return { embeds: [topEmbed(rows, kind, who, period)] };
}

/** "Who else listens to this": the artist's listeners in the period, most plays first. */
async function whoListens(
  artistText: string,
  period: ReturnType<typeof parsePeriod>,
  ctx: CommandContext,
): Promise<Reply> {
  const match = await resolveArtist(artistText, ctx);
  if ('choices' in match) {
    const names = match.choices.slice(0, 5).map((c) => c.label);
    throw new UserFacingError(
      `Several artists match “${quoteTyped(artistText)}”: ${names.map((n) => escapeMarkdown(n)).join(', ')}. Be more specific.`,
    );
  }
  const artist = { key: match.artist.key, title: match.artist.label };
  const users = new Map((await ctx.services.users.list()).map((u) => [u.userId, u.name]));
  const listeners = ctx.services.history
    .listenersOf(artist, period)
    .slice(0, TOP_LIMIT)
    .map((l) => ({ name: users.get(l.userId) ?? `Plex user #${l.userId}`, plays: l.plays }));
  return { embeds: [listenersEmbed(artist.title, listeners, period)] };
}
