import { ActivityType, DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';
import type { Client, SendableChannels } from 'discord.js';
import type { DiscordActions } from '../jobs/types.ts';
import type { Logger } from '../logger.ts';
import { toEditOptions } from './payload.ts';

async function sendableChannel(client: Client, channelId: string): Promise<SendableChannels> {
  const channel = await client.channels.fetch(channelId);
  if (!channel?.isSendable())
    throw new Error(`channel ${channelId} is not a text channel the bot can write to`);
  return channel;
}

/** The discord.js side of DiscordActions: message edits, the channel's recent messages, the presence. */
export function createDiscordActions(client: Client, logger: Logger): DiscordActions {
  return {
    async edit(channelId, messageId, reply) {
      const channel = await sendableChannel(client, channelId);
      try {
        await channel.messages.edit(messageId, toEditOptions(reply));
        return true;
      } catch (error) {
        if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMessage)
          return false;
        throw error;
      }
    },
    async ownRecentMessages(channelId, limit) {
      const channel = await sendableChannel(client, channelId);
      const messages = await channel.messages.fetch({ limit, cache: false });
      return [...messages.values()]
        .filter((m) => m.author.id === client.user?.id)
        .sort((a, b) => b.createdTimestamp - a.createdTimestamp)
        .map((m) => ({ id: m.id, content: m.content }));
    },
    setPresence(text) {
      if (!client.user) return;
      // A custom status shows the text as written ("3 streams"), without "Playing"/"Watching" in front.
      client.user.setPresence({
        status: 'online',
        activities: text ? [{ type: ActivityType.Custom, name: 'Custom Status', state: text }] : [],
      });
      logger.debug({ presence: text }, 'presence updated');
    },
  };
}
