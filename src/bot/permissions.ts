import { PermissionFlagsBits } from 'discord.js';
import type { GuildMember, PermissionsBitField } from 'discord.js';

/**
 * "Admin" = Manage Server (Administrator implies it) or the configured ADMIN_ROLE_ID. Checked on every
 * command and every press, never cached: roles change.
 */
export function isAdmin(
  permissions: Readonly<PermissionsBitField> | null | undefined,
  roleIds: Iterable<string>,
  adminRoleId: string | undefined,
): boolean {
  if (permissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  if (!adminRoleId) return false;
  for (const id of roleIds) if (id === adminRoleId) return true;
  return false;
}

/** Role ids of an interaction's member, which is either a cached GuildMember or a raw API member. */
export function memberRoleIds(member: GuildMember | { roles: string[] } | null | undefined): string[] {
  if (!member) return [];
  return Array.isArray(member.roles) ? member.roles : [...(member as GuildMember).roles.cache.keys()];
}
