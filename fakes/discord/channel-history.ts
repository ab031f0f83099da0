// GET /channels/{id}/messages: a channel's messages, newest first, as discord.js's messages.fetch({ limit })
// reads them (`limit` and `before`; `after`/`around` paging is not implemented). Bot and user messages
// alike; ephemeral interaction replies are not part of a channel.
import { MessageFlags } from 'discord-api-types/v10';
import type { APIMessage } from 'discord-api-types/v10';
import { textChannel } from './guild.ts';
import { DiscordError, FormErrors } from './limits.ts';
import type { Route, RouteContext, RouteResult } from './rest.ts';

const byIdDescending = (a: APIMessage, b: APIMessage) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1);

function listMessages(ctx: RouteContext): RouteResult {
  const channel = textChannel(ctx.state.cfg, ctx.params.channel ?? '');
  if (!channel) throw new DiscordError(404, 'Unknown Channel', 10003);
  const { limit = '50', before, after, around } = ctx.query;
  const errs = new FormErrors();
  const count = Number(limit);
  // Discord: limit is 1–100 (default 50); before, after and around are mutually exclusive.
  if (!Number.isInteger(count) || count < 1 || count > 100)
    errs.add(['limit'], 'NUMBER_TYPE_MAX', 'Int should be between 1 and 100.');
  if ([before, after, around].filter((v) => v !== undefined).length > 1)
    errs.add(['before'], 'BASE_TYPE_BAD_REQUEST', 'Only one of before, after or around may be set.');
  errs.throwIfAny();
  let list = [...ctx.state.messages.values(), ...ctx.state.userMessages.values()]
    .filter((m) => m.channel_id === channel.id && ((m.flags ?? 0) & MessageFlags.Ephemeral) === 0)
    .sort(byIdDescending);
  if (before !== undefined) list = list.filter((m) => BigInt(m.id) < BigInt(before));
  return { status: 200, body: list.slice(0, count) };
}

export const channelHistoryRoutes: Route[] = [
  { method: 'GET', path: '/channels/:channel/messages', bot: true, handle: listMessages },
];
