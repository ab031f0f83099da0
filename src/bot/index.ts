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
  /** Waits (at most `drainMs`) for interactions and messages being answered, then disconnects. */
  stop(drainMs?: number): Promise<void>;
}

/** How long a shutdown waits for answers in flight: well inside docker stop's 10 s grace period. */
const DRAIN_MS = 5000;

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
  // Answers in flight, so a shutdown can let them finish (a stopped remix still edits its message).
  const inFlight = new Set<Promise<void>>();
  const track = (answer: Promise<void>) => {
    inFlight.add(answer);
    void answer.finally(() => inFlight.delete(answer));
  };
  client.on(Events.InteractionCreate, (interaction) => track(routeInteraction(interaction, deps)));
  if (prefixEnabled) client.on(Events.MessageCreate, (message) => track(routeMessage(message, deps)));
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.ShardError, (error) => logger.warn({ err: error }, 'discord connection error'));
  logger.info(
    { user: client.user?.tag, guilds: client.guilds.cache.size, prefixEnabled },
    'connected to Discord',
  );
  return {
    client,
    prefixEnabled,
    async stop(drainMs = DRAIN_MS) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)));
      await Promise.race([Promise.allSettled([...inFlight]), deadline]);
      clearTimeout(timer);
      await client.destroy();
    },
  };
}
