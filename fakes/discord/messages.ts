// Message objects as Discord returns them. discord.js builds a Message from every answer, so each one carries
// the full set of fields; attachments get their names and sizes from the uploaded multipart parts.
import { EmbedType, MessageFlags, MessageReferenceType, MessageType } from 'discord-api-types/v10';
import type {
  APIAttachment,
  APIEmbed,
  APIMessage,
  APIMessageInteractionMetadata,
  APIMessageTopLevelComponent,
  APIUser,
} from 'discord-api-types/v10';
import { botUser, snowflake } from './guild.ts';
import type { FakeState } from './state.ts';
import type { RecordedFile } from './types.ts';

export type Json = Record<string, unknown>;

export interface MessageOrigin {
  channelId: string;
  author: APIUser;
  type: MessageType;
  /** Interaction responses are sent through the application's webhook. */
  webhookId?: string;
  interactionMetadata?: APIMessageInteractionMetadata;
  /** The message this one replies to (message_reference already checked by the caller). */
  replyTo?: APIMessage;
  extraFlags?: number;
}

function embedsOf(body: Json): APIEmbed[] {
  // Discord stamps every embed a bot sends as 'rich'.
  return Array.isArray(body.embeds)
    ? (body.embeds as APIEmbed[]).map((e) => ({ type: EmbedType.Rich, ...e }))
    : [];
}

/**
 * Attachments after a create or edit. `payload.attachments` lists the ones to keep (existing snowflake ids)
 * and the new ones (ids "0", "1"… pointing at the `files[n]` parts); without that list, Discord keeps the
 * existing attachments and adds every uploaded file.
 */
function attachmentsOf(
  state: FakeState,
  channelId: string,
  body: Json,
  files: RecordedFile[],
  existing: APIAttachment[],
): APIAttachment[] {
  const upload = (file: RecordedFile, description?: unknown): APIAttachment => {
    const id = snowflake();
    const url = `${state.baseUrl}/attachments/${channelId}/${id}/${encodeURIComponent(file.name)}`;
    return {
      id,
      filename: file.name,
      size: file.size,
      url,
      proxy_url: url,
      content_type: file.contentType,
      ...(typeof description === 'string' ? { description } : {}),
    };
  };
  if (!Array.isArray(body.attachments)) return [...existing, ...files.map((f) => upload(f))];
  const result: APIAttachment[] = [];
  for (const entry of body.attachments as Json[]) {
    const kept = existing.find((a) => a.id === String(entry.id));
    if (kept) {
      result.push(kept);
      continue;
    }
    const file = files.find((f) => f.field === `files[${String(entry.id)}]`);
    if (file) result.push(upload(file, entry.description));
  }
  return result;
}

export function createMessage(
  state: FakeState,
  body: Json,
  files: RecordedFile[],
  origin: MessageOrigin,
): APIMessage {
  const flags = (typeof body.flags === 'number' ? body.flags : 0) | (origin.extraFlags ?? 0);
  const message: APIMessage = {
    id: snowflake(),
    channel_id: origin.channelId,
    author: origin.author,
    content: typeof body.content === 'string' ? body.content : '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: body.tts === true,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: attachmentsOf(state, origin.channelId, body, files, []),
    embeds: embedsOf(body),
    components: Array.isArray(body.components) ? (body.components as APIMessageTopLevelComponent[]) : [],
    pinned: false,
    type: origin.type,
    flags,
  };
  if (origin.webhookId) {
    message.webhook_id = origin.webhookId;
    message.application_id = origin.webhookId;
  }
  if (origin.interactionMetadata) message.interaction_metadata = origin.interactionMetadata;
  if (origin.replyTo) {
    message.message_reference = {
      type: MessageReferenceType.Default,
      message_id: origin.replyTo.id,
      channel_id: origin.replyTo.channel_id,
      guild_id: state.cfg.guildId,
    };
    message.referenced_message = origin.replyTo;
  }
  return message;
}

/** Applies an edit (PATCH or callback type 7): given fields replace, absent ones stay; loading ends. */
export function editMessage(
  state: FakeState,
  message: APIMessage,
  body: Json,
  files: RecordedFile[],
): APIMessage {
  const wasLoading = ((message.flags ?? 0) & MessageFlags.Loading) !== 0;
  const edited: APIMessage = {
    ...message,
    flags: (message.flags ?? 0) & ~MessageFlags.Loading,
    // Editing a deferred ("thinking…") reply is its first real content, which Discord does not mark edited.
    edited_timestamp: wasLoading ? null : new Date().toISOString(),
    attachments: attachmentsOf(state, message.channel_id, body, files, message.attachments),
  };
  if (typeof body.content === 'string' || body.content === null) edited.content = body.content ?? '';
  if (Array.isArray(body.embeds) || body.embeds === null) edited.embeds = embedsOf(body);
  if (Array.isArray(body.components) || body.components === null) {
    edited.components = (body.components ?? []) as APIMessageTopLevelComponent[];
  }
  if (typeof body.flags === 'number') {
    // Only these flags may change on edit; ephemeral and loading state are fixed by Discord.
    const editable = MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2;
    edited.flags = ((edited.flags ?? 0) & ~editable) | (body.flags & editable);
  }
  state.messages.set(edited.id, edited);
  return edited;
}

/** A bot message with one component, for component interactions on a message the fake never saw. */
export function placeholderMessage(
  state: FakeState,
  messageId: string,
  component: APIMessageTopLevelComponent,
): APIMessage {
  return {
    ...createMessage(state, { content: '' }, [], {
      channelId: state.cfg.channelId,
      author: botUser(state.cfg),
      type: MessageType.Default,
    }),
    id: messageId,
    components: [component],
  };
}
