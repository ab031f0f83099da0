import type { Message } from 'discord.js';
import { findTextCommand, parseTextCommand } from '../commands/text-line.ts';
import { tokenize } from '../words.ts';
import type { CommandContext } from '../context.ts';
import { DEFAULT_ATTACHMENT_LIMIT_BYTES } from '../context.ts';
import { describeFailure, UserFacingError } from '../errors.ts';
import { ADMIN_ONLY_TEXT } from './report-error.ts';
import { NO_MENTIONS, toEditOptions, toMessageOptions, toProgressEdit } from './payload.ts';
import { createProgress } from './progress.ts';
import type { ProgressUpdate } from './progress.ts';
import type { Reply } from '../reply.ts';
import { isAdmin, memberRoleIds } from './permissions.ts';
import type { BotDeps } from './types.ts';

/** `!alex usage` → { prefix: '!alex', words: ['usage'] }; null when the message is not for us. */
export function matchPrefix(
  content: string,
  prefixes: readonly string[],
): { prefix: string; words: string[] } | null {
  const trimmed = content.trimStart();
  const lower = trimmed.toLowerCase();
  for (const prefix of prefixes) {
    if (!lower.startsWith(prefix)) continue;
    const rest = trimmed.slice(prefix.length);
    if (rest !== '' && !/^\s/.test(rest)) continue;
    return { prefix, words: tokenize(rest) };
  }
  return null;
}

function contextFor(message: Message, deps: BotDeps, invokedAs: string): CommandContext {
  return {
    services: deps.services,
    config: deps.config,
    logger: deps.logger.child({ messageId: message.id, userId: message.author.id }),
    transport: 'prefix',
    invokedAs,
    caller: {
      id: message.author.id,
      name: message.member?.displayName ?? message.author.username,
      isAdmin: isAdmin(
        message.member?.permissions,
        memberRoleIds(message.member),
        deps.config.discord.adminRoleId,
      ),
    },
    attachmentSizeLimit: uploadLimit(message.guild?.premiumTier),
    progress: () => undefined,
  };
}

/**
 * Messages carry no attachment_size_limit, so it is derived from the server's boost tier: 10 MiB by
 * default, 50 MiB at tier 2 and 100 MiB at tier 3 (notes/remix.md §7).
 */
function uploadLimit(tier: number | undefined): number {
  if (tier === 3) return 100 * 1024 ** 2;
  if (tier === 2) return 50 * 1024 ** 2;
  return DEFAULT_ATTACHMENT_LIMIT_BYTES;
}

/** Progress as one reply that is edited, and finally turned into the answer. */
function progressReply(message: Message) {
  let sent: Promise<Message> | undefined;
  return {
    async edit(update: ProgressUpdate): Promise<unknown> {
      if (sent) return (await sent).edit(toProgressEdit(update));
      const first =
        typeof update === 'string'
          ? { content: update, allowedMentions: NO_MENTIONS }
          : toMessageOptions(update);
      return (sent = message.reply(first));
    },
    async finish(reply: Reply): Promise<unknown> {
      const shown = await sent?.catch(() => undefined);
      return shown ? shown.edit(toEditOptions(reply)) : message.reply(toMessageOptions(reply));
    },
  };
}

/** Handles `!alex …` / `!plex …` messages with the same command modules as the slash command. */
export async function routeMessage(message: Message, deps: BotDeps): Promise<void> {
  if (message.author.bot || !message.inGuild()) return;
  const match = matchPrefix(message.content, deps.config.discord.prefixes);
  if (!match) return;
  const ctx = contextFor(message, deps, match.prefix);
  const shown = progressReply(message);
  try {
    const [name = 'help', ...words] = match.words;
    const command = findTextCommand(name, match.prefix);
    if (command.adminOnly && !ctx.caller.isAdmin) throw new UserFacingError(ADMIN_ONLY_TEXT);
    const args = await parseTextCommand(command, words, ctx);
    if (!command.instant) await message.channel.sendTyping().catch(() => undefined);
    const progress = createProgress(shown.edit, ctx.logger);
    ctx.progress = progress.report;
    const reply = await command.run(args, ctx).finally(progress.stop);
    await shown.finish(reply);
  } catch (error) {
    const content = describeFailure(error, ctx.logger);
    await shown.finish({ content, components: [] }).catch((replyError: unknown) => {
      ctx.logger.warn({ err: replyError }, 'could not deliver the error reply');
    });
  }
}
