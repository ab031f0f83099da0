import type { Client } from 'discord.js';
import { sendToChannel } from '../bot/channel.ts';
import { createDiscordActions } from '../bot/discord-actions.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Services } from '../services/index.ts';
import type { JobContext } from './types.ts';

/**
 * What the jobs get in production: posting (as a reply when a job names the message, such as a recovery
 * under its alert), editing, presence. Tests build their jobs' context here too, so the wiring they prove
 * is the one the bot runs.
 */
export function createJobContext(
  client: Client,
  deps: { config: Config; services: Services; logger: Logger },
): JobContext {
  return {
    ...deps,
    notify: (channelId, reply, replyTo) => sendToChannel(client, channelId, reply, deps.logger, replyTo),
    discord: createDiscordActions(client, deps.logger),
  };
}
