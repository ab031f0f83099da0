import type { Client } from 'discord.js';
import type { Logger } from '../logger.ts';
import type { Reply } from '../reply.ts';
import { toMessageOptions } from './payload.ts';

/** Sends a reply to a channel by id (reports, alerts); logs instead of throwing when it cannot. */
export async function sendToChannel(
  client: Client,
  channelId: string,
  reply: Reply,
  logger: Logger,
): Promise<void> {
  try {
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isSendable()) {
      logger.warn({ channelId }, 'cannot post: not a text channel the bot can write to');
      return;
    }
    await channel.send(toMessageOptions(reply));
  } catch (error) {
    logger.warn({ err: error, channelId }, 'cannot post to the channel (missing access or deleted?)');
  }
}
