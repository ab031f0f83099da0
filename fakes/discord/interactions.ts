// Interaction callback and interaction-webhook routes. discord.js sends these with no Authorization header;
// the interaction token in the path is the credential, so the fake validates it like Discord: a 3 s window
// for the first callback, one callback per interaction, and a 15 min token lifetime for webhook calls.
import { InteractionResponseType, InteractionType, MessageFlags, MessageType } from 'discord-api-types/v10';
import type { APIMessage, RESTPostAPIInteractionCallbackWithResponseResult } from 'discord-api-types/v10';
import { botUser } from './guild.ts';
import {
  DiscordError,
  FormErrors,
  checkFileSizes,
  requireNonEmpty,
  validateChoices,
  validateMessage,
  validateModal,
} from './limits.ts';
import { createMessage, editMessage } from './messages.ts';
import type { Json, MessageOrigin } from './messages.ts';
import { asJson, noContent, ok } from './rest.ts';
import type { Route, RouteContext, RouteResult } from './rest.ts';
import type { InteractionRecord } from './state.ts';

const unknownInteraction = (): DiscordError => new DiscordError(404, 'Unknown interaction', 10062);
const unknownMessage = (): DiscordError => new DiscordError(404, 'Unknown Message', 10008);

/** Which callback types Discord accepts for each interaction type. */
const ALLOWED: Record<number, number[]> = {
  [InteractionType.ApplicationCommand]: [4, 5, 9],
  [InteractionType.MessageComponent]: [4, 5, 6, 7, 9],
  [InteractionType.ApplicationCommandAutocomplete]: [8],
  [InteractionType.ModalSubmit]: [4, 5, 6, 7],
};

function origin(
  ctx: RouteContext,
  rec: InteractionRecord,
  extra: Partial<MessageOrigin> = {},
): MessageOrigin {
  return {
    channelId: rec.channelId,
    author: botUser(ctx.state.cfg),
    type:
      rec.type === InteractionType.ApplicationCommand ? MessageType.ChatInputCommand : MessageType.Default,
    webhookId: ctx.state.cfg.applicationId,
    interactionMetadata: rec.metadata,
    ...extra,
  };
}

/** The message @original points at; a component's message may only exist in the interaction payload. */
function original(ctx: RouteContext, rec: InteractionRecord): APIMessage | undefined {
  if (rec.originalId === null) return undefined;
  return (
    ctx.state.messages.get(rec.originalId) ??
    (rec.componentMessage?.id === rec.originalId ? rec.componentMessage : undefined)
  );
}

function validatedData(ctx: RouteContext, rec: InteractionRecord, data: Json, at: string[]): void {
  const errs = new FormErrors();
  validateMessage(errs, at, data);
  errs.throwIfAny();
  checkFileSizes(ctx.files, rec.attachmentSizeLimit);
}

function callback(ctx: RouteContext): RouteResult {
  const { state } = ctx;
  const rec = state.interactions.get(ctx.params.id ?? '');
  if (!rec || rec.token !== ctx.params.token) throw unknownInteraction();
  if (rec.acknowledged) throw new DiscordError(400, 'Interaction has already been acknowledged.', 40060);
  if (ctx.at - rec.createdAt > state.cfg.ackDeadlineMs) throw unknownInteraction();
  const body = asJson(ctx.json);
  const data = asJson(body.data);
  const type = typeof body.type === 'number' ? body.type : -1;
  const allowed = ALLOWED[rec.type] ?? [];
  const fromMessage = rec.componentMessage !== null;
  if (!allowed.includes(type) || ((type === 6 || type === 7) && !fromMessage)) {
    const errs = new FormErrors();
    errs.add(['type'], 'BASE_TYPE_CHOICES', `Value must be one of {${allowed.join(', ')}}.`);
    errs.throwIfAny();
  }
  let message: APIMessage | undefined;
  if (type === InteractionResponseType.ChannelMessageWithSource) {
    validatedData(ctx, rec, data, ['data']);
    requireNonEmpty(data, ctx.files);
    message = createMessage(state, data, ctx.files, origin(ctx, rec));
  } else if (type === InteractionResponseType.DeferredChannelMessageWithSource) {
    // The "thinking…" message: empty and flagged Loading until the first edit of @original.
    const flags = typeof data.flags === 'number' ? data.flags : 0;
    message = createMessage(state, { flags }, [], origin(ctx, rec, { extraFlags: MessageFlags.Loading }));
  } else if (
    type === InteractionResponseType.DeferredMessageUpdate ||
    type === InteractionResponseType.UpdateMessage
  ) {
    const target = original(ctx, rec);
    if (!target) throw unknownMessage();
    if (type === InteractionResponseType.UpdateMessage) {
      validatedData(ctx, rec, data, ['data']);
      message = editMessage(state, target, data, ctx.files);
    } else {
      state.messages.set(target.id, target);
    }
  } else if (type === InteractionResponseType.ApplicationCommandAutocompleteResult) {
    const errs = new FormErrors();
    validateChoices(errs, data.choices);
    errs.throwIfAny();
  } else if (type === InteractionResponseType.Modal) {
    const errs = new FormErrors();
    validateModal(errs, data);
    errs.throwIfAny();
  }
  if (message && (type === 4 || type === 5)) {
    state.messages.set(message.id, message);
    rec.originalId = message.id;
    rec.messageIds.add(message.id);
  }
  rec.acknowledged = true;
  if (ctx.query.with_response !== 'true') return noContent;
  const shown = message ?? original(ctx, rec);
  const result: RESTPostAPIInteractionCallbackWithResponseResult = {
    interaction: {
      id: rec.id,
      type: rec.type,
      ...(shown ? { response_message_id: shown.id } : {}),
      ...(shown ? { response_message_loading: ((shown.flags ?? 0) & MessageFlags.Loading) !== 0 } : {}),
      ...(shown ? { response_message_ephemeral: ((shown.flags ?? 0) & MessageFlags.Ephemeral) !== 0 } : {}),
    },
    resource: { type, ...(message ? { message } : {}) },
  };
  return ok(result);
}

/** The interaction behind a webhook token; expired or unknown tokens get Discord's 401 50027. */
function interactionOf(ctx: RouteContext): InteractionRecord {
  if (ctx.params.app !== ctx.state.cfg.applicationId) throw new DiscordError(404, 'Unknown Webhook', 10015);
  const rec = [...ctx.state.interactions.values()].find((r) => r.token === ctx.params.token);
  if (!rec || ctx.at - rec.createdAt > ctx.state.cfg.tokenLifetimeMs) {
    throw new DiscordError(401, 'Invalid Webhook Token', 50027);
  }
  return rec;
}

/** A message this token may touch: `@original` (once acknowledged) or one of its followUps. */
function webhookMessage(ctx: RouteContext): { rec: InteractionRecord; message: APIMessage } {
  const rec = interactionOf(ctx);
  const id = ctx.params.message === '@original' ? rec.originalId : (ctx.params.message ?? null);
  if (!rec.acknowledged || id === null || !rec.messageIds.has(id)) throw unknownMessage();
  const message = id === rec.originalId ? original(ctx, rec) : ctx.state.messages.get(id);
  if (!message) throw unknownMessage();
  return { rec, message };
}

function followUp(ctx: RouteContext): RouteResult {
  const rec = interactionOf(ctx);
  // Discord only opens the followUp webhook once the interaction has been acknowledged.
  if (!rec.acknowledged) throw new DiscordError(404, 'Unknown Webhook', 10015);
  const body = asJson(ctx.json);
  validatedData(ctx, rec, body, []);
  requireNonEmpty(body, ctx.files);
  const metadata = {
    ...rec.metadata,
    ...(rec.originalId ? { original_response_message_id: rec.originalId } : {}),
  };
  const message = createMessage(
    ctx.state,
    body,
    ctx.files,
    origin(ctx, rec, { interactionMetadata: metadata }),
  );
  ctx.state.messages.set(message.id, message);
  rec.messageIds.add(message.id);
  return ctx.query.wait === 'true' ? ok(message) : noContent;
}

export const interactionRoutes: Route[] = [
  { method: 'POST', path: '/interactions/:id/:token/callback', bot: false, handle: callback },
  { method: 'POST', path: '/webhooks/:app/:token', bot: false, handle: followUp },
  {
    method: 'GET',
    path: '/webhooks/:app/:token/messages/:message',
    bot: false,
    handle: (ctx) => ok(webhookMessage(ctx).message),
  },
  {
    method: 'PATCH',
    path: '/webhooks/:app/:token/messages/:message',
    bot: false,
    handle: (ctx) => {
      const { rec, message } = webhookMessage(ctx);
      const body = asJson(ctx.json);
      validatedData(ctx, rec, body, []);
      return ok(editMessage(ctx.state, message, body, ctx.files));
    },
  },
  {
    method: 'DELETE',
    path: '/webhooks/:app/:token/messages/:message',
    bot: false,
    handle: (ctx) => {
      const { message } = webhookMessage(ctx);
      ctx.state.messages.delete(message.id);
      return noContent;
    },
  },
];
