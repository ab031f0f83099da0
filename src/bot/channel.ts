import type { Client } from 'discord.js';
import type { Logger } from '../logger.ts';
import type { Reply } from '../reply.ts';
import { toMessageOptions } from './payload.ts';

/**
 * Sends a reply to a channel by id (reports, alerts), optionally as a reply to an earlier message.
 * Returns the new message's id, or null (logged) when it could not be sent.
 */
export async function sendToChannel(
  client: Client,
  channelId: string,
  reply: Reply,
  logger: Logger,
  replyTo?: string,
): Promise<string | null> {
  try {
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isSendable()) {
      logger.warn({ channelId }, 'cannot post: not a text channel the bot can write to');
      return null;
    }
    const options = toMessageOptions(reply);
    const message = await channel.send(
      replyTo ? { ...options, reply: { messageReference: replyTo, failIfNotExists: false } } : options,
    );
    return message.id;
  } catch (error) {
    logger.warn({ err: error, channelId }, 'cannot post to the channel (missing access or deleted?)');
    return null;
  }
}
