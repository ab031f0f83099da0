// INTERACTION_CREATE and MESSAGE_CREATE payloads. discord.js dereferences some interaction fields with no
// guard (entitlements, authorizing_integration_owners, member.user) and reads channel.id rather than
// channel_id, so every payload carries all of them; a missing one crashes the client's shard handler.
import { randomUUID } from 'node:crypto';
import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageType,
} from 'discord-api-types/v10';
import type {
  APIApplicationCommandInteractionDataOption,
  APIAuthorizingIntegrationOwnersMap,
  APIInteraction,
  APIMessage,
  APIMessageInteractionMetadata,
  APIMessageTopLevelComponent,
  APIUser,
  GatewayMessageCreateDispatchData,
  MessageFlags,
} from 'discord-api-types/v10';
import {
  botUser,
  interactionMember,
  memberOf,
  permissionsOf,
  person,
  snowflake,
  textChannel,
} from './guild.ts';
import { MAX_CHANNEL_UPLOAD } from './limits.ts';
import { placeholderMessage } from './messages.ts';
import type { FakeState, InteractionRecord } from './state.ts';
import { fakeNow } from './state.ts';
import type { InjectOption, InjectUser } from './types.ts';

export interface BuiltInteraction {
  payload: APIInteraction;
  record: InteractionRecord;
}

interface Common {
  type: InteractionType;
  user?: InjectUser;
  channelId?: string;
  attachmentSizeLimit?: number;
  message?: APIMessage;
  /** Builds the metadata later messages carry, from the resolved user and the owners map. */
  metadata: (base: {
    id: string;
    user: APIUser;
    owners: APIAuthorizingIntegrationOwnersMap;
  }) => APIMessageInteractionMetadata;
  data: unknown;
}

/** Injecting into a channel the guild does not have would give the bot events it can never answer. */
function knownChannel(state: FakeState, id: string) {
  const channel = textChannel(state.cfg, id);
  if (!channel) throw new Error(`fake-discord: unknown channel id ${id}`);
  return channel;
}

function build(state: FakeState, c: Common): BuiltInteraction {
  const { cfg } = state;
  const who = person(cfg, c.user);
  state.people.set(who.user.id, who);
  const id = snowflake(fakeNow(state));
  const token = `itok.${id}.${randomUUID()}`;
  const channelId = c.message?.channel_id ?? c.channelId ?? cfg.channelId;
  const channel = knownChannel(state, channelId);
  const owners = { [ApplicationIntegrationType.GuildInstall]: cfg.guildId };
  const attachmentSizeLimit = c.attachmentSizeLimit ?? MAX_CHANNEL_UPLOAD;
  const payload = {
    id,
    application_id: cfg.applicationId,
    type: c.type,
    token,
    version: 1,
    guild_id: cfg.guildId,
    guild: { id: cfg.guildId, locale: Locale.EnglishUS, features: [] },
    channel_id: channelId,
    channel: { id: channelId, type: channel.type, guild_id: cfg.guildId, name: channel.name },
    member: interactionMember(cfg, who),
    app_permissions: permissionsOf(cfg, [cfg.botRoleId]).toString(),
    locale: Locale.EnglishUS,
    guild_locale: Locale.EnglishUS,
    entitlements: [],
    authorizing_integration_owners: owners,
    context: InteractionContextType.Guild,
    attachment_size_limit: attachmentSizeLimit,
    data: c.data,
    ...(c.message ? { message: c.message } : {}),
    // One builder serves every interaction kind; TS cannot tie `type` to `data` across the union here.
  } as APIInteraction;
  const record: InteractionRecord = {
    id,
    token,
    type: c.type,
    createdAt: fakeNow(state),
    channelId,
    metadata: c.metadata({ id, user: who.user, owners }),
    attachmentSizeLimit,
    acknowledged: false,
    originalId: c.message?.id ?? null,
    componentMessage: c.message ?? null,
    messageIds: new Set(c.message ? [c.message.id] : []),
  };
  return { payload, record };
}

/** The registered command with that name (guild first, then global), so data.id matches what the bot got. */
function commandData(state: FakeState, name: string): { id: string; guild_id?: string } {
  const guild = state.commands.get(state.cfg.guildId)?.find((c) => c.name === name);
  if (guild) return { id: guild.id, guild_id: state.cfg.guildId };
  return { id: state.commands.get('global')?.find((c) => c.name === name)?.id ?? snowflake() };
}

function withSubcommand(options: unknown[], subcommand: string | undefined): unknown[] {
  return subcommand === undefined ? options : [{ type: 1, name: subcommand, options }];
}

export function slashInteraction(
  state: FakeState,
  input: { name: string; subcommand?: string; options?: InjectOption[]; user?: InjectUser } & {
    attachmentSizeLimit?: number;
    channelId?: string;
  },
): BuiltInteraction {
  const options = withSubcommand(input.options ?? [], input.subcommand);
  return build(state, {
    ...input,
    type: InteractionType.ApplicationCommand,
    metadata: ({ id, user, owners }) => ({
      id,
      type: InteractionType.ApplicationCommand,
      user,
      authorizing_integration_owners: owners,
    }),
    data: {
      ...commandData(state, input.name),
      name: input.name,
      type: ApplicationCommandType.ChatInput,
      options: options as APIApplicationCommandInteractionDataOption[],
    },
  });
}

export function autocompleteInteraction(
  state: FakeState,
  input: { name: string; subcommand?: string; focused: string; options: InjectOption[]; user?: InjectUser },
): BuiltInteraction {
  const marked = input.options.map((o) => (o.name === input.focused ? { ...o, focused: true } : o));
  return build(state, {
    ...input,
    type: InteractionType.ApplicationCommandAutocomplete,
    // Autocomplete never creates messages; the metadata only keeps the record's shape uniform.
    metadata: ({ id, user, owners }) => ({
      id,
      type: InteractionType.ApplicationCommand,
      user,
      authorizing_integration_owners: owners,
    }),
    data: {
      ...commandData(state, input.name),
      name: input.name,
      type: ApplicationCommandType.ChatInput,
      options: withSubcommand(marked, input.subcommand),
    },
  });
}

/** The component's message: the stored one, else a placeholder bot message holding that component. */
function messageFor(state: FakeState, messageId: string | undefined, component: APIMessageTopLevelComponent) {
  const stored = messageId === undefined ? undefined : state.messages.get(messageId);
  return stored ?? placeholderMessage(state, messageId ?? snowflake(), component);
}

export function componentInteraction(
  state: FakeState,
  customId: string,
  values: string[] | null,
  input: { messageId?: string; user?: InjectUser } | undefined,
): BuiltInteraction {
  const component: APIMessageTopLevelComponent =
    values === null
      ? { type: 1, components: [{ type: 2, style: 1, custom_id: customId, label: customId }] }
      : {
          type: 1,
          components: [
            { type: 3, custom_id: customId, options: values.map((v) => ({ label: v, value: v })) },
          ],
        };
  const message = messageFor(state, input?.messageId, component);
  return build(state, {
    ...input,
    type: InteractionType.MessageComponent,
    message,
    metadata: ({ id, user, owners }) => ({
      id,
      type: InteractionType.MessageComponent,
      user,
      authorizing_integration_owners: owners,
      interacted_message_id: message.id,
    }),
    data:
      values === null
        ? { custom_id: customId, component_type: ComponentType.Button }
        : { custom_id: customId, component_type: ComponentType.StringSelect, values },
  });
}

export function modalSubmitInteraction(
  state: FakeState,
  customId: string,
  fields: Record<string, string>,
  input: { messageId?: string; user?: InjectUser } | undefined,
): BuiltInteraction {
  const message = input?.messageId === undefined ? undefined : state.messages.get(input.messageId);
  const components = Object.entries(fields).map(([id, value]) => ({
    type: ComponentType.ActionRow,
    components: [{ type: ComponentType.TextInput, custom_id: id, value }],
  }));
  return build(state, {
    ...input,
    type: InteractionType.ModalSubmit,
    ...(message ? { message } : {}),
    metadata: ({ id, user, owners }) => ({
      id,
      type: InteractionType.ModalSubmit,
      user,
      authorizing_integration_owners: owners,
      triggering_interaction_metadata: {
        id: snowflake(),
        type: InteractionType.ApplicationCommand,
        user,
        authorizing_integration_owners: owners,
      },
    }),
    data: { custom_id: customId, components },
  });
}

/** A prefix-command message written by a user; `member` lets discord.js compute member.permissions. */
export function userMessagePayload(
  state: FakeState,
  content: string,
  input: { user?: InjectUser; channelId?: string } | undefined,
): GatewayMessageCreateDispatchData {
  const { cfg } = state;
  const who = person(cfg, input?.user);
  state.people.set(who.user.id, who);
  const bot = botUser(cfg);
  const mentionsBot = content.includes(`<@${bot.id}>`) || content.includes(`<@!${bot.id}>`);
  return {
    id: snowflake(),
    channel_id: knownChannel(state, input?.channelId ?? cfg.channelId).id,
    guild_id: cfg.guildId,
    channel_type: ChannelType.GuildText,
    author: who.user,
    member: memberOf(who),
    content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: mentionsBot ? [bot] : [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    type: MessageType.Default,
    flags: 0 as MessageFlags,
  };
}
