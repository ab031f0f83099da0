import { Events } from 'discord.js';
import type { Client } from 'discord.js';
import { connect } from './client.ts';
import type { RestOverrides } from './client.ts';
import { routeMessage } from './prefix.ts';
import { routeInteraction } from './router.ts';
import type { BotDeps } from './types.ts';

export interface Bot {
  client: Client;
  prefixEnabled: boolean;
  stop(): Promise<void>;
}

/** Connects to Discord and wires the router and the prefix parser. Resolves once the bot is ready. */
export async function startBot(deps: BotDeps, options: { rest?: RestOverrides } = {}): Promise<Bot> {
  const { config, logger } = deps;
  if (!config.discord.token) throw new Error('DISCORD_TOKEN is required to start the bot');
  // Only the bot runs remixes, so only it may clear what a crashed remix left (never the CLI).
  await deps.services.remix
    .sweep()
    .catch((error: unknown) => logger.warn({ err: error }, 'could not clear old remix work folders'));
  const { client, prefixEnabled } = await connect(
    { apiUrl: config.discord.apiUrl, rest: options.rest },
    config.discord.token,
    logger,
  );
  client.on(Events.InteractionCreate, (interaction) => void routeInteraction(interaction, deps));
  if (prefixEnabled) client.on(Events.MessageCreate, (message) => void routeMessage(message, deps));
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.ShardError, (error) => logger.warn({ err: error }, 'discord connection error'));
  logger.info(
    { user: client.user?.tag, guilds: client.guilds.cache.size, prefixEnabled },
    'connected to Discord',
  );
  return {
    client,
    prefixEnabled,
    stop: () => client.destroy(),
  };
}
