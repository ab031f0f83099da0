import { errorCode } from '../errors.ts';
import { MessageFlags } from 'discord.js';
import type { ChatInputCommandInteraction, MessageComponentInteraction } from 'discord.js';
import type { Logger } from '../logger.ts';
import type { Reply } from '../reply.ts';
import { NO_MENTIONS, toEditOptions, toMessageOptions, toProgressEdit } from './payload.ts';
import type { ProgressUpdate } from './progress.ts';

/** Discord's interaction tokens (the webhook behind editReply and followUp) last 15 minutes. */
export const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;
/**
 * The job moves off the webhook this long before the token expires, so that no edit still in flight (or
 * retried by discord.js) reaches Discord after the line (it would be refused with 50027).
 */
export const TOKEN_MARGIN_MS = 2 * 60_000;
const UNKNOWN_MESSAGE = 10008;
const INVALID_WEBHOOK_TOKEN = 50027;

type Target = ChatInputCommandInteraction | MessageComponentInteraction;

/**
 * The message a long command or a component press works in: its progress, then its final answer or error,
 * always in that one message. Until shortly before the token expires it is edited through the interaction
 * webhook; after that, through the channel (the bot's own message, which never expires). A member who
 * deleted it gets a new one instead of edits of a message that no longer exists (10008).
 */
export function longReply(
  interaction: Target,
  options: {
    /** The interaction's message: the deferred reply, or the message whose component was pressed. */
    messageId: string | undefined;
    ephemeral: boolean;
    now: () => number;
    logger: Logger;
  },
) {
  const { logger } = options;
  let messageId = options.messageId;
  /** Progress was shown in the message (a component's screen was replaced, a reply was edited). */
  let shown = false;
  let moved = false;
  const deadline = interaction.createdTimestamp + INTERACTION_TOKEN_LIFETIME_MS - TOKEN_MARGIN_MS;
  const useWebhook = () => !moved && options.now() < deadline;
  const channel = () => (interaction.channel?.isSendable() ? interaction.channel : null);

  /** A new channel message for the person who asked (pinged: they may have stopped watching). */
  async function post(reply: Reply): Promise<string | undefined> {
    const target = channel();
    if (!target) return undefined;
    const sent = await target.send({
      ...toMessageOptions(reply),
      content: `<@${interaction.user.id}> ${reply.content ?? ''}`.trim(),
      allowedMentions: { users: [interaction.user.id], repliedUser: false },
    });
    return sent.id;
  }

  /** An edit through the channel; the message is posted again when a member deleted it. */
  async function channelEdit(update: ProgressUpdate): Promise<void> {
    const target = channel();
    if (options.ephemeral || !target) {
      logger.debug('interaction token about to expire and the message cannot move; update dropped');
      return;
    }
    if (!moved) logger.info('interaction token about to expire; the job continues through the channel');
    moved = true;
    try {
      if (!messageId) throw Object.assign(new Error('no message yet'), { code: UNKNOWN_MESSAGE });
      await target.messages.edit(messageId, toProgressEdit(update));
    } catch (error) {
      if (errorCode(error) !== UNKNOWN_MESSAGE) throw error;
      messageId = await post(typeof update === 'string' ? { content: update } : update);
    }
  }

  async function webhookEdit(update: ProgressUpdate): Promise<void> {
    try {
      const message = await interaction.editReply(toProgressEdit(update));
      messageId = message.id;
    } catch (error) {
      const code = errorCode(error);
      if (code !== UNKNOWN_MESSAGE && code !== INVALID_WEBHOOK_TOKEN) throw error;
      // Deleted by a member, or the token died early (a clock far off): carry on in the channel.
      if (code === UNKNOWN_MESSAGE) messageId = undefined;
      await channelEdit(update);
    }
  }

  return {
    /** A throttled progress edit (the caller throttles). */
    async progress(update: ProgressUpdate): Promise<void> {
      shown = true;
      await (useWebhook() ? webhookEdit(update) : channelEdit(update));
    },
    /** The answer replaces the progress; after the move it is posted anew (a ping) and the progress removed. */
    async finish(reply: Reply): Promise<void> {
      if (useWebhook()) {
        try {
          await interaction.editReply(toEditOptions(reply));
          return;
        } catch (error) {
          const code = errorCode(error);
          if (code !== UNKNOWN_MESSAGE && code !== INVALID_WEBHOOK_TOKEN) throw error;
          if (code === UNKNOWN_MESSAGE) messageId = undefined;
          moved = true;
        }
      }
      if (options.ephemeral) {
        logger.warn('interaction token expired before a private answer could be shown');
        return;
      }
      const old = messageId;
      await post(reply);
      if (old)
        await channel()
          ?.messages.delete(old)
          .catch(() => undefined);
    },
    /**
     * A failure after the acknowledgement. A slash reply is removed and the error told privately; a
     * component message whose screen progress replaced shows the error instead; after the move, the error
     * is posted like an answer. Returns false when the caller should answer as for any other failure.
     */
    async fail(content: string): Promise<boolean> {
      const reply = { content, embeds: [], components: [] };
      if (!useWebhook()) {
        await this.finish(reply);
        return true;
      }
      if (interaction.isChatInputCommand()) {
        await interaction.deleteReply().catch(() => undefined);
        await interaction.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
        return true;
      }
      if (!shown) return false;
      await this.finish(reply);
      return true;
    },
  };
}

export type LongReply = ReturnType<typeof longReply>;
