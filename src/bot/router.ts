import { within } from '../within.ts';
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
import { describeFailure, UserFacingError } from '../errors.ts';
import { LIMITS } from '../reply.ts';
import { truncate } from '../markdown.ts';
import type { Reply } from '../reply.ts';
import { reportError, ADMIN_ONLY_TEXT } from './report-error.ts';
import { ephemeralFlags, toMessageOptions } from './payload.ts';
import { isAdmin, memberRoleIds } from './permissions.ts';
import { createProgress } from './progress.ts';
import { acknowledge } from './acknowledge.ts';
import { longReply } from './long-reply.ts';
import type { LongReply } from './long-reply.ts';
import type { BotDeps } from './types.ts';

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
  if (command.instant) {
    const reply = await command.run(slashArgs(interaction), ctx);
    await acknowledge(interaction, 'replied', () =>
      interaction.reply({ ...toMessageOptions(reply), flags: flags ?? ephemeralFlags(reply) }),
    );
    return;
  }
  const deferred = await acknowledge(interaction, 'deferred', () =>
    interaction.deferReply({ flags, withResponse: true }),
  );
  const long = longReply(interaction, {
    messageId: deferred?.resource?.message?.id,
    ephemeral: flags !== undefined,
    now: deps.now ?? Date.now,
    logger: ctx.logger,
  });
  await runLong(long, ctx, () => command.run(slashArgs(interaction), ctx));
}

/**
 * Runs long work in its one message: progress, then the answer or the error replace it (never a second
 * message beside a stale "Looking up credits…"). A failure the message cannot show is rethrown.
 */
async function runLong(
  long: LongReply,
  ctx: CommandContext,
  work: () => Promise<Reply | undefined>,
): Promise<void> {
  const progress = createProgress(long.progress, ctx.logger);
  ctx.progress = progress.report;
  let reply: Reply | undefined;
  try {
    reply = await work().finally(progress.stop);
  } catch (error) {
    if (await long.fail(describeFailure(error, ctx.logger))) return;
    throw error;
  }
  if (reply) await long.finish(reply);
}

async function handleAutocomplete(interaction: AutocompleteInteraction, deps: BotDeps): Promise<void> {
  const command = findCommand(interaction.options.getSubcommand(false) ?? '');
  const focused = interaction.options.getFocused(true);
  let choices: Array<{ name: string; value: string }> = [];
  if (command?.complete) {
    const ctx = contextFor(interaction, deps, 'slash');
    try {
      choices = await within(
        command.complete(focused.name, String(focused.value), slashArgs(interaction), ctx),
        AUTOCOMPLETE_BUDGET_MS,
        () => [],
      );
    } catch (error) {
      ctx.logger.warn({ err: error, cmd: command.name }, 'autocomplete failed; answering with no choices');
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
  await acknowledge(interaction, 'deferred', () => interaction.deferUpdate());
  const guard = handler.adminOnly;
  if (guard && !ctx.caller.isAdmin && (guard.actions === 'every' || guard.actions.includes(id.action)))
    throw new UserFacingError(guard.refusal);
  const values = interaction.isStringSelectMenu() ? interaction.values : [];
  const long = longReply(interaction, {
    messageId: interaction.message.id,
    ephemeral: interaction.message.flags.has(MessageFlags.Ephemeral),
    now: deps.now ?? Date.now,
    logger: ctx.logger,
  });
  let followUp: Reply | undefined;
  await runLong(long, ctx, async () => {
    const result = await handler.handle({ action: id.action, args: id.args, values }, ctx);
    if ('update' in result) return result.update;
    if ('reply' in result) followUp = result.reply;
    return undefined;
  });
  if (followUp)
    await interaction.followUp({ ...toMessageOptions(followUp), flags: ephemeralFlags(followUp) });
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
