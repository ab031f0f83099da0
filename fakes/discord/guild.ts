// The fake's world: ids, the one guild (roles, two text channels, members) and the users in it. Everything
// the gateway sends about members must agree with these roles, because discord.js recomputes permissions
// from the cached roles (message.member.permissions) while interactions carry a precomputed string.
import { ChannelType, Locale, PermissionFlagsBits } from 'discord-api-types/v10';
import type {
  APIGuildMember,
  ChannelFlags,
  GuildMemberFlags,
  GuildSystemChannelFlags,
  RoleFlags,
  APIInteractionGuildMember,
  APIRole,
  APITextChannel,
  APIUser,
  GatewayGuildCreateDispatchData,
} from 'discord-api-types/v10';
import type { FakeDiscordOptions, InjectUser } from './types.ts';

export const PERMISSIONS = {
  ManageGuild: PermissionFlagsBits.ManageGuild,
  Administrator: PermissionFlagsBits.Administrator,
  // What @everyone may do in the fake guild: chat and use commands, nothing administrative.
  Everyone:
    PermissionFlagsBits.CreateInstantInvite |
    PermissionFlagsBits.AddReactions |
    PermissionFlagsBits.ViewChannel |
    PermissionFlagsBits.SendMessages |
    PermissionFlagsBits.EmbedLinks |
    PermissionFlagsBits.AttachFiles |
    PermissionFlagsBits.ReadMessageHistory |
    PermissionFlagsBits.UseExternalEmojis |
    PermissionFlagsBits.Connect |
    PermissionFlagsBits.Speak |
    PermissionFlagsBits.ChangeNickname |
    PermissionFlagsBits.UseApplicationCommands |
    PermissionFlagsBits.SendMessagesInThreads,
} as const;

const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);
// Discord's epoch; snowflakes carry their creation time, from which discord.js derives createdTimestamp.
const DISCORD_EPOCH = 1_420_070_400_000n;
const JOINED_AT = '2024-01-01T00:00:00.000Z';
let lastSnowflake = 0n;

/** A snowflake for "now" (or `at`), strictly increasing within the process so ids never collide. */
export function snowflake(at = Date.now()): string {
  let next = (BigInt(at) - DISCORD_EPOCH) << 22n;
  if (next <= lastSnowflake) next = lastSnowflake + 1n;
  lastSnowflake = next;
  return next.toString();
}

export interface FakeConfig {
  token: string;
  applicationId: string;
  guildId: string;
  channelId: string;
  alertChannelId: string;
  adminRoleId: string;
  managerRoleId: string;
  botRoleId: string;
  ownerId: string;
  defaultUserId: string;
  allowMessageContent: boolean;
  heartbeatIntervalMs: number;
  ackDeadlineMs: number;
  tokenLifetimeMs: number;
}

export function resolveConfig(opts: FakeDiscordOptions): FakeConfig {
  return {
    token: opts.token ?? 'fake-bot-token',
    applicationId: opts.applicationId ?? '1100000000000000001',
    guildId: opts.guildId ?? '1100000000000000002',
    channelId: opts.channelId ?? '1100000000000000003',
    alertChannelId: opts.alertChannelId ?? '1100000000000000004',
    adminRoleId: opts.adminRoleId ?? '1100000000000000005',
    managerRoleId: '1100000000000000006',
    botRoleId: '1100000000000000007',
    ownerId: '1100000000000000008',
    defaultUserId: '1100000000000000009',
    allowMessageContent: opts.allowMessageContent ?? true,
    heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 41_250,
    ackDeadlineMs: opts.ackDeadlineMs ?? 3_000,
    tokenLifetimeMs: opts.tokenLifetimeMs ?? 15 * 60_000,
  };
}

function role(id: string, name: string, position: number, permissions: bigint, managed = false): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    position,
    permissions: permissions.toString(),
    managed,
    mentionable: false,
    // Flag enums have no zero member; 0 is what Discord sends for "no flags".
    flags: 0 as RoleFlags,
  };
}

export function guildRoles(cfg: FakeConfig): APIRole[] {
  return [
    role(cfg.guildId, '@everyone', 0, PERMISSIONS.Everyone),
    role(cfg.adminRoleId, 'Plex Admin', 1, PERMISSIONS.Everyone),
    role(cfg.managerRoleId, 'Server Manager', 2, PERMISSIONS.Everyone | PERMISSIONS.ManageGuild),
    role(cfg.botRoleId, 'testbot', 3, PERMISSIONS.Everyone | PermissionFlagsBits.ManageMessages, true),
  ];
}

/** A member's guild-wide permissions, computed the way Discord does (no channel overwrites exist here). */
export function permissionsOf(cfg: FakeConfig, roleIds: string[]): bigint {
  const roles = guildRoles(cfg);
  let bits = PERMISSIONS.Everyone;
  for (const id of roleIds) bits |= BigInt(roles.find((r) => r.id === id)?.permissions ?? '0');
  return bits & PERMISSIONS.Administrator ? ALL_PERMISSIONS : bits;
}

export function botUser(cfg: FakeConfig): APIUser {
  return {
    id: cfg.applicationId,
    username: 'testbot',
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
  };
}

export interface Person {
  user: APIUser;
  roles: string[];
}

/** Resolves an injected user; throws on role ids the guild does not have, since Discord never sends those. */
export function person(cfg: FakeConfig, input: InjectUser | undefined): Person {
  const id = input?.id ?? cfg.defaultUserId;
  const known = new Set(guildRoles(cfg).map((r) => r.id));
  const extra = input?.roles ?? [];
  const unknown = extra.filter((r) => !known.has(r) || r === cfg.guildId);
  if (unknown.length > 0) throw new Error(`fake-discord: unknown role id(s) ${unknown.join(', ')}`);
  const username = input?.username ?? (id === cfg.defaultUserId ? 'alex' : `user${id.slice(-4)}`);
  return {
    user: { id, username, discriminator: '0', global_name: username, avatar: null },
    roles: [...new Set([...(input?.admin ? [cfg.managerRoleId] : []), ...extra])],
  };
}

/** A guild member without `user`, as MESSAGE_CREATE carries it. */
export function memberOf(p: Person): Omit<APIGuildMember, 'user'> {
  return {
    roles: p.roles,
    joined_at: JOINED_AT,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    nick: null,
    avatar: null,
    banner: null,
    premium_since: null,
    pending: false,
  };
}

export function interactionMember(cfg: FakeConfig, p: Person): APIInteractionGuildMember {
  return { ...memberOf(p), user: p.user, permissions: permissionsOf(cfg, p.roles).toString() };
}

export function textChannel(cfg: FakeConfig, id: string): APITextChannel | null {
  const names: Record<string, string> = { [cfg.channelId]: 'general', [cfg.alertChannelId]: 'alerts' };
  const name = names[id];
  if (name === undefined) return null;
  return {
    id,
    type: ChannelType.GuildText,
    guild_id: cfg.guildId,
    name,
    position: id === cfg.channelId ? 0 : 1,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0 as ChannelFlags,
  };
}

export function guildCreate(cfg: FakeConfig, people: Person[]): GatewayGuildCreateDispatchData {
  const bot: APIGuildMember = {
    ...memberOf({ user: botUser(cfg), roles: [cfg.botRoleId] }),
    user: botUser(cfg),
  };
  const members = [bot, ...people.map((p) => ({ ...memberOf(p), user: p.user }))];
  const channels = [cfg.channelId, cfg.alertChannelId]
    .map((id) => textChannel(cfg, id))
    .filter((c) => c !== null);
  return {
    id: cfg.guildId,
    name: 'Fake Plex Guild',
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: cfg.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    roles: guildRoles(cfg),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: JOINED_AT,
    large: false,
    unavailable: false,
    member_count: members.length,
    voice_states: [],
    members,
    channels,
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
