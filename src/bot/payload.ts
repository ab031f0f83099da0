import { AttachmentBuilder, MessageFlags } from 'discord.js';
import type { BaseMessageOptions, MessageMentionOptions } from 'discord.js';
import { fitEmbeds, LIMITS } from '../reply.ts';
import { truncate } from '../markdown.ts';
import type { Reply } from '../reply.ts';

/** Replies echo library titles and user names: never let them ping anyone. */
export const NO_MENTIONS: MessageMentionOptions = { parse: [], repliedUser: false };

/** A Reply as discord.js message options, within Discord's limits. */
export function toMessageOptions(reply: Reply): BaseMessageOptions {
  const { embeds, dropped } = fitEmbeds(reply.embeds ?? []);
  let content = reply.content ?? '';
  if (dropped > 0)
    content = `${content}\n(${dropped} more not shown: Discord limits the size of one message.)`.trim();
  return {
    content: content ? truncate(content, LIMITS.content) : undefined,
    embeds,
    components: reply.components ?? [],
    files: (reply.files ?? []).map(
      (file) => new AttachmentBuilder(file.data, { name: file.name, description: file.description }),
    ),
    allowedMentions: NO_MENTIONS,
  };
}

/** For edits: also replace the attachments of the message being edited, and clear content left over. */
export function toEditOptions(reply: Reply): BaseMessageOptions & { attachments: [] } {
  const options = toMessageOptions(reply);
  return { ...options, content: options.content ?? '', attachments: [] };
}

/** A progress update as edit options: a text changes only the text; a Reply replaces the whole message. */
export function toProgressEdit(update: string | Reply) {
  return typeof update === 'string'
    ? { content: update, allowedMentions: NO_MENTIONS }
    : toEditOptions(update);
}

export function ephemeralFlags(reply: Reply): MessageFlags.Ephemeral | undefined {
  return reply.ephemeral ? MessageFlags.Ephemeral : undefined;
}
