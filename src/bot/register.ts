import { createHash } from 'node:crypto';
import type { Client } from 'discord.js';
import { Routes } from 'discord.js';
import { COMMANDS } from '../commands/index.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../services/store/index.ts';
import { buildSlashDefinition } from './definition.ts';

type Json = Record<string, unknown>;
export type Registration = 'unchanged' | 'current' | 'updated';

const OPTION_FLAGS = ['required', 'autocomplete'] as const;
const OPTION_VALUES = ['min_value', 'max_value', 'min_length', 'max_length'] as const;

/**
 * What decides how `/alex` looks and behaves, in one shape for ours and Discord's copy: Discord leaves out
 * `false` flags and adds ids and versions, so the two are compared field by field, not as raw JSON.
 */
function canonical(command: Json): unknown {
  const option = (o: Json): unknown => ({
    type: o.type,
    name: o.name,
    description: o.description,
    ...Object.fromEntries(OPTION_FLAGS.map((flag) => [flag, o[flag] === true])),
    ...Object.fromEntries(OPTION_VALUES.map((key) => [key, o[key] ?? null])),
    choices: ((o.choices as Json[] | undefined) ?? []).map((c) => [c.name, c.value]),
    options: ((o.options as Json[] | undefined) ?? []).map(option),
  });
  return {
    ...(option({ ...command, type: command.type ?? 1 }) as Json),
    contexts: command.contexts ?? null,
    default_member_permissions: command.default_member_permissions ?? null,
  };
}

/**
 * Keeps Discord's `/alex` equal to this version's at every start, so an upgrade needs no deploy step. The
 * hash of what Discord last accepted is kept in the database: an unchanged bot makes no REST call at all.
 * A broken database only costs the one GET. Global commands change at once for new interactions.
 */
export async function registerCommands(
  client: Client,
  deps: { config: Config; store: Store; logger: Logger },
): Promise<Registration> {
  const definition = buildSlashDefinition(COMMANDS);
  const guildId = deps.config.discord.guildId;
  const appId = client.application?.id;
  if (!appId) throw new Error('the client is not logged in');
  const key = `commands:${guildId ?? 'global'}`;
  const hash = createHash('sha256')
    .update(JSON.stringify([appId, guildId ?? null, definition]))
    .digest('hex');
  const remembered = (() => {
    try {
      return deps.store.getSetting(key);
    } catch {
      return undefined;
    }
  })();
  if (remembered === hash) return 'unchanged';
  const route = guildId ? Routes.applicationGuildCommands(appId, guildId) : Routes.applicationCommands(appId);
  const existing = (await client.rest.get(route)) as Json[];
  const wanted = JSON.stringify([canonical(definition as unknown as Json)]);
  const current = JSON.stringify(existing.map(canonical)) === wanted;
  if (!current) await client.rest.put(route, { body: [definition] });
  try {
    deps.store.setSetting(key, hash);
  } catch {
    // Not remembered: the next start asks Discord again, which is all it costs.
  }
  deps.logger.info(
    { scope: guildId ? `guild ${guildId}` : 'global' },
    current ? '/alex is already registered as this version defines it' : '/alex registered (updated)',
  );
  return current ? 'current' : 'updated';
}
