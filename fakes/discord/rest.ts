// REST routes that discord.js calls with `Authorization: Bot <token>`, plus the tiny router they share with
// the interaction routes. Errors are thrown as DiscordError (always 4xx) so @discordjs/rest never retries.
import { MessageFlags, MessageType } from 'discord-api-types/v10';
import type {
  APIApplication,
  APIApplicationCommand,
  APIMessage,
  ApplicationFlags,
  RESTGetAPIGatewayBotResult,
} from 'discord-api-types/v10';
import { botUser, guildCreate, memberOf, snowflake, textChannel } from './guild.ts';
import {
  DiscordError,
  FormErrors,
  MAX_CHANNEL_UPLOAD,
  checkFileSizes,
  requireNonEmpty,
  validateCommands,
  validateMessage,
} from './limits.ts';
import { createMessage, editMessage } from './messages.ts';
import type { Json } from './messages.ts';
import { people } from './state.ts';
import type { FakeState } from './state.ts';
import type { RecordedFile } from './types.ts';

export interface RouteContext {
  state: FakeState;
  params: Record<string, string>;
  query: Record<string, string>;
  json: unknown;
  files: RecordedFile[];
  /** When the request arrived (deadlines are checked against this, not against the end of the upload). */
  at: number;
}

export interface RouteResult {
  status: number;
  body?: unknown;
}

export interface Route {
  method: string;
  /** Segments; ':name' captures one decoded segment. */
  path: string;
  /** Bot-auth route: anything but `Bot <token>` gets 401. Interaction routes carry no auth header at all. */
  bot: boolean;
  handle: (ctx: RouteContext) => RouteResult | Promise<RouteResult>;
}

export function matchRoute(
  routes: Route[],
  method: string,
  segments: string[],
): { route: Route; params: Record<string, string> } | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const parts = route.path.split('/').filter(Boolean);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = parts.every((part, i) => {
      const segment = segments[i] ?? '';
      if (part.startsWith(':')) params[part.slice(1)] = segment;
      return part.startsWith(':') || part === segment;
    });
    if (ok) return { route, params };
  }
  return null;
}

export const ok = (body: unknown): RouteResult => ({ status: 200, body });
export const noContent: RouteResult = { status: 204 };
export const asJson = (v: unknown): Json => (v !== null && typeof v === 'object' ? (v as Json) : {});
const unknownMessage = (): DiscordError => new DiscordError(404, 'Unknown Message', 10008);

function checkApp(ctx: RouteContext): void {
  if (ctx.params.app !== ctx.state.cfg.applicationId) throw new DiscordError(403, 'Missing Access', 50001);
}

function checkGuild(ctx: RouteContext): void {
  if (ctx.params.guild !== ctx.state.cfg.guildId) throw new DiscordError(404, 'Unknown Guild', 10004);
}

function channelOf(ctx: RouteContext) {
  const channel = textChannel(ctx.state.cfg, ctx.params.channel ?? '');
  if (!channel) throw new DiscordError(404, 'Unknown Channel', 10003);
  return channel;
}

/** A channel message by id, bot-written or user-written; ephemeral replies are invisible to channel routes. */
function findMessage(ctx: RouteContext): { message: APIMessage; own: boolean } {
  const id = ctx.params.message ?? '';
  const own = ctx.state.messages.get(id);
  const other = ctx.state.userMessages.get(id);
  const message = own ?? other;
  const ephemeral = ((message?.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
  if (!message || message.channel_id !== ctx.params.channel || ephemeral) throw unknownMessage();
  return { message, own: own !== undefined };
}

/** Bulk overwrite: Discord keeps a command's id when a command of that name and type already existed. */
function putCommands(ctx: RouteContext, key: string, guildId?: string): RouteResult {
  const previous = ctx.state.commands.get(key) ?? [];
  const stored = validateCommands(ctx.json).map((cmd): APIApplicationCommand => {
    const type = typeof cmd.type === 'number' ? cmd.type : 1;
    const same = previous.find((p) => p.name === cmd.name && p.type === type);
    return {
      default_member_permissions: null,
      nsfw: false,
      description: '',
      ...(cmd as Partial<APIApplicationCommand>),
      name: String(cmd.name),
      type,
      id: same?.id ?? snowflake(),
      application_id: ctx.state.cfg.applicationId,
      version: snowflake(),
      ...(guildId ? { guild_id: guildId } : {}),
    };
  });
  ctx.state.commands.set(key, stored);
  return ok(stored);
}

function messageBody(ctx: RouteContext, limit: number): Json {
  const body = asJson(ctx.json);
  const errs = new FormErrors();
  validateMessage(errs, [], body);
  errs.throwIfAny();
  checkFileSizes(ctx.files, limit);
  return body;
}

function postChannelMessage(ctx: RouteContext): RouteResult {
  const { state } = ctx;
  const channel = channelOf(ctx);
  const body = messageBody(ctx, MAX_CHANNEL_UPLOAD);
  requireNonEmpty(body, ctx.files);
  const ref = body.message_reference == null ? null : asJson(body.message_reference);
  const refId = String(ref?.message_id ?? '');
  const target = state.userMessages.get(refId) ?? state.messages.get(refId);
  if (ref && (!target || target.channel_id !== channel.id) && ref.fail_if_not_exists !== false) {
    const errs = new FormErrors();
    errs.add(['message_reference'], 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
    errs.throwIfAny();
  }
  const replyTo = ref && target?.channel_id === channel.id ? target : undefined;
  const message = createMessage(state, body, ctx.files, {
    channelId: channel.id,
    author: botUser(state.cfg),
    type: replyTo ? MessageType.Reply : MessageType.Default,
    ...(replyTo ? { replyTo } : {}),
  });
  state.messages.set(message.id, message);
  return ok(message);
}

function patchChannelMessage(ctx: RouteContext): RouteResult {
  channelOf(ctx);
  const { message, own } = findMessage(ctx);
  if (!own) throw new DiscordError(403, 'Cannot edit a message authored by another user', 50005);
  return ok(editMessage(ctx.state, message, messageBody(ctx, MAX_CHANNEL_UPLOAD), ctx.files));
}

function application(ctx: RouteContext): APIApplication {
  const { cfg } = ctx.state;
  return {
    id: cfg.applicationId,
    name: 'testbot',
    icon: null,
    description: '',
    bot_public: false,
    bot_require_code_grant: false,
    bot: botUser(cfg),
    summary: '',
    verify_key: '0'.repeat(64),
    team: null,
    flags: 0 as ApplicationFlags,
    flags_new: '0',
  };
}

export const botRoutes: Route[] = [
  {
    method: 'GET',
    path: '/gateway/bot',
    bot: true,
    handle: ({ state }) =>
      ok({
        // No query string and no trailing slash: discord.js appends `?v=10&encoding=json` itself.
        url: `${state.baseUrl.replace(/^http/, 'ws')}/gateway`,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      } satisfies RESTGetAPIGatewayBotResult),
  },
  { method: 'GET', path: '/users/@me', bot: true, handle: ({ state }) => ok(botUser(state.cfg)) },
  { method: 'GET', path: '/applications/@me', bot: true, handle: (ctx) => ok(application(ctx)) },
  {
    method: 'GET',
    path: '/applications/:app/commands',
    bot: true,
    handle: (ctx) => (checkApp(ctx), ok(ctx.state.commands.get('global') ?? [])),
  },
  {
    method: 'PUT',
    path: '/applications/:app/commands',
    bot: true,
    handle: (ctx) => (checkApp(ctx), putCommands(ctx, 'global')),
  },
  {
    method: 'GET',
    path: '/applications/:app/guilds/:guild/commands',
    bot: true,
    handle: (ctx) => (
      checkApp(ctx),
      checkGuild(ctx),
      ok(ctx.state.commands.get(ctx.state.cfg.guildId) ?? [])
    ),
  },
  {
    method: 'PUT',
    path: '/applications/:app/guilds/:guild/commands',
    bot: true,
    handle: (ctx) => (
      checkApp(ctx),
      checkGuild(ctx),
      putCommands(ctx, ctx.state.cfg.guildId, ctx.state.cfg.guildId)
    ),
  },
  { method: 'GET', path: '/channels/:channel', bot: true, handle: (ctx) => ok(channelOf(ctx)) },
  { method: 'POST', path: '/channels/:channel/messages', bot: true, handle: postChannelMessage },
  // channel.sendTyping(): Discord shows "testbot is typing…" and answers 204.
  {
    method: 'POST',
    path: '/channels/:channel/typing',
    bot: true,
    handle: (ctx) => (channelOf(ctx), noContent),
  },
  {
    method: 'GET',
    path: '/channels/:channel/messages/:message',
    bot: true,
    handle: (ctx) => (channelOf(ctx), ok(findMessage(ctx).message)),
  },
  { method: 'PATCH', path: '/channels/:channel/messages/:message', bot: true, handle: patchChannelMessage },
  {
    method: 'DELETE',
    path: '/channels/:channel/messages/:message',
    bot: true,
    handle: (ctx) => {
      channelOf(ctx);
      const { message } = findMessage(ctx);
      ctx.state.messages.delete(message.id);
      ctx.state.userMessages.delete(message.id);
      return noContent;
    },
  },
  {
    method: 'GET',
    path: '/guilds/:guild',
    bot: true,
    handle: (ctx) => (checkGuild(ctx), ok(guildCreate(ctx.state.cfg, people(ctx.state)))),
  },
  {
    method: 'GET',
    path: '/guilds/:guild/members/:user',
    bot: true,
    handle: (ctx) => {
      checkGuild(ctx);
      const bot = { user: botUser(ctx.state.cfg), roles: [ctx.state.cfg.botRoleId] };
      const found = [bot, ...people(ctx.state)].find((p) => p.user.id === ctx.params.user);
      if (!found) throw new DiscordError(404, 'Unknown Member', 10007);
      return ok({ ...memberOf(found), user: found.user });
    },
  },
];
