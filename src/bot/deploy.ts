import { REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import { buildSlashDefinition } from './definition.ts';
import { COMMANDS } from '../commands/index.ts';

export interface DeployOptions {
  token: string;
  clientId: string;
  /** Register on one server only instead of globally. */
  guildId?: string;
  apiUrl?: string;
}

/** Registers `/alex` with one bulk PUT (which also removes commands we no longer have). Never logs in. */
export async function deployCommands(options: DeployOptions): Promise<{ scope: string; count: number }> {
  const rest = new REST({ ...(options.apiUrl ? { api: options.apiUrl } : {}), retries: 1 }).setToken(
    options.token,
  );
  const body = [buildSlashDefinition(COMMANDS)];
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.clientId, options.guildId)
    : Routes.applicationCommands(options.clientId);
  await rest.put(route, { body });
  return {
    scope: options.guildId ? `server ${options.guildId}` : 'all servers (global)',
    count: body.length,
  };
}
