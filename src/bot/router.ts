import { MessageFlags } from 'discord.js';
import type {
  AutocompleteInteraction,
  BaseInteraction,
  ChatInputCommandInteraction,
  Interaction,
  MessageComponentInteraction,
} from 'discord.js';
import { findCommand } from '../commands/index.ts';
import { ROOT_COMMAND } from './definition.ts';
import type { CommandArgs, CommandContext, Transport } from '../context.ts';
import { DEFAULT_ATTACHMENT_LIMIT_BYTES } from '../context.ts';
import { COMPONENT_HANDLERS } from '../components/index.ts';
import { decodeCustomId } from '../components/custom-id.ts';
import { EXPIRED_REPLY } from '../components/types.ts';
import { UserFacingError } from '../errors.ts';
import { LIMITS } from '../reply.ts';
import { truncate } from '../markdown.ts';
import type { Reply } from '../reply.ts';
import { reportError, ADMIN_ONLY_TEXT } from './report-error.ts';
import { ephemeralFlags, toEditOptions, toMessageOptions, toProgressEdit } from './payload.ts';
import { isAdmin, memberRoleIds } from './permissions.ts';
import { createProgress } from './progress.ts';
import type { ProgressUpdate } from './progress.ts';
import type { BotDeps } from './types.ts';

/** Discord's error code for a webhook (interaction) token that expired after 15 minutes. */
const INVALID_WEBHOOK_TOKEN = 50027;

/** Discord gives autocomplete 3 s and no way to defer: answer within this or with nothing. */
const AUTOCOMPLETE_BUDGET_MS = 2500;

function contextFor(interaction: BaseInteraction, deps: BotDeps, transport: Transport): CommandContext {
  const logger = deps.logger.child({ interactionId: interaction.id, userId: interaction.user.id });
  return {
    services: deps.services,
    config: deps.config,
    logger,
    transport,
    invokedAs: '/alex',
    caller: {
      id: interaction.user.id,
      name: interaction.user.globalName ?? interaction.user.username,
      isAdmin: isAdmin(
        interaction.memberPermissions,
        memberRoleIds(interaction.member),
        deps.config.discord.adminRoleId,
      ),
    },
    attachmentSizeLimit: interaction.attachmentSizeLimit || DEFAULT_ATTACHMENT_LIMIT_BYTES,
    progress: () => undefined,
  };
}

function slashArgs(interaction: ChatInputCommandInteraction | AutocompleteInteraction): CommandArgs {
  const args: CommandArgs = {};
  const sub = interaction.options.data[0];
  for (const option of sub?.options ?? []) args[option.name] = option.value;
  return args;
}

async function handleSlash(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<void> {
  const command = findCommand(interaction.options.getSubcommand(false) ?? 'help');
  if (!command) throw new UserFacingError('That subcommand is not available. Try `/alex help`.');
  const ctx = contextFor(interaction, deps, 'slash');
  ctx.logger.debug({ cmd: command.name }, 'slash command');
  if (command.adminOnly && !ctx.caller.isAdmin) throw new UserFacingError(ADMIN_ONLY_TEXT);
  const flags = command.ephemeral ? MessageFlags.Ephemeral : undefined;
  const progress = createProgress(progressEdit(interaction), ctx.logger);
  if (command.defer) {
    await interaction.deferReply({ flags });
    ctx.progress = progress.report;
  }
  const reply = await command.run(slashArgs(interaction), ctx).finally(progress.stop);
  if (interaction.deferred) await finishLongReply(interaction, reply, ctx);
  else await interaction.reply({ ...toMessageOptions(reply), flags: flags ?? ephemeralFlags(reply) });
}

/** Progress edits of a deferred reply (or of the message whose component was pressed). */
function progressEdit(interaction: ChatInputCommandInteraction | MessageComponentInteraction) {
  return (update: ProgressUpdate) => interaction.editReply(toProgressEdit(update));
}

/**
 * Interaction tokens last 15 minutes: a long job (a library-wide enrich, a remix on CPU) that outlives
 * its token ends with a normal channel message instead of an edit that Discord would refuse.
 */
async function finishLongReply(
  interaction: ChatInputCommandInteraction | MessageComponentInteraction,
  reply: Reply,
  ctx: CommandContext,
): Promise<void> {
  try {
    await interaction.editReply(toEditOptions(reply));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== INVALID_WEBHOOK_TOKEN || !interaction.channel?.isSendable()) throw error;
    ctx.logger.info('interaction token expired; posting the result in the channel');
    await interaction.channel.send({
      ...toMessageOptions(reply),
      content: `<@${interaction.user.id}> ${reply.content ?? ''}`.trim(),
      // Ping only the person who asked: they may have stopped watching a job this long.
      allowedMentions: { users: [interaction.user.id], repliedUser: false },
    });
  }
}

async function handleAutocomplete(interaction: AutocompleteInteraction, deps: BotDeps): Promise<void> {
  const command = findCommand(interaction.options.getSubcommand(false) ?? '');
  const focused = interaction.options.getFocused(true);
  let choices: Array<{ name: string; value: string }> = [];
  if (command?.complete) {
    const ctx = contextFor(interaction, deps, 'slash');
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<[]>(
      (resolve) => (timer = setTimeout(() => resolve([]), AUTOCOMPLETE_BUDGET_MS)),
    );
    try {
      choices = await Promise.race([
        command.complete(focused.name, String(focused.value), slashArgs(interaction), ctx),
        budget,
      ]);
    } catch (error) {
      ctx.logger.warn({ err: error, cmd: command.name }, 'autocomplete failed; answering with no choices');
    } finally {
      clearTimeout(timer);
    }
  }
  const valid = choices
    .filter((c) => c.value.length > 0 && c.value.length <= LIMITS.choiceName)
    .slice(0, LIMITS.choices)
    .map((c) => ({ name: truncate(c.name, LIMITS.choiceName) || c.value, value: c.value }));
  await interaction.respond(valid);
}

async function handleComponent(interaction: MessageComponentInteraction, deps: BotDeps): Promise<void> {
  const id = decodeCustomId(interaction.customId);
  const handler = id ? COMPONENT_HANDLERS.get(id.namespace) : undefined;
  if (!id || !handler) {
    await interaction.reply({ ...toMessageOptions(EXPIRED_REPLY), flags: MessageFlags.Ephemeral });
    return;
  }
  const ctx = contextFor(interaction, deps, 'component');
  ctx.logger.debug({ customId: interaction.customId }, 'component');
  // Handlers may call upstreams: acknowledge now, then edit the message or follow up.
  await interaction.deferUpdate();
  const guard = handler.adminOnly;
  if (guard && !ctx.caller.isAdmin && (guard.actions === 'every' || guard.actions.includes(id.action)))
    throw new UserFacingError(guard.refusal);
  const values = interaction.isStringSelectMenu() ? interaction.values : [];
  const progress = createProgress(progressEdit(interaction), ctx.logger);
  ctx.progress = progress.report;
  const result = await handler
    .handle({ action: id.action, args: id.args, values }, ctx)
    .finally(progress.stop);
  if ('update' in result) await finishLongReply(interaction, result.update, ctx);
  else if ('reply' in result)
    await interaction.followUp({ ...toMessageOptions(result.reply), flags: ephemeralFlags(result.reply) });
}

/** The single entry point for every interaction; the one catch turns failures into replies. */
export async function routeInteraction(interaction: Interaction, deps: BotDeps): Promise<void> {
  try {
    if (interaction.isAutocomplete()) {
      if (interaction.commandName === ROOT_COMMAND) await handleAutocomplete(interaction, deps);
    } else if (interaction.isChatInputCommand()) {
      if (interaction.commandName === ROOT_COMMAND) await handleSlash(interaction, deps);
    } else if (interaction.isMessageComponent()) {
      await handleComponent(interaction, deps);
    }
  } catch (error) {
    await reportError(interaction, error, deps.logger);
  }
}
