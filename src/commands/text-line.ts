import { closest, MissingOptionError, parseTextArgs } from './args.ts';
import { COMMANDS, findCommand } from './index.ts';
import type { Command } from './types.ts';
import type { CommandArgs, CommandContext } from '../context.ts';
import { UserFacingError } from '../errors.ts';
import { codeTyped, escapeMarkdown } from '../markdown.ts';

/** How many autocomplete choices a text reply lists when a required option is missing. */
const LISTED_CHOICES = 8;

/**
 * The subcommand named in a typed line (prefix or terminal). A typo gets "did you mean"; anything else
 * points at help.
 */
export function findTextCommand(name: string, invokedAs: string): Command {
  const command = findCommand(name);
  if (command) return command;
  const guess = closest(
    name,
    COMMANDS.map((c) => c.name),
  );
  const help = invokedAs === 'cli' ? '`help`' : `\`${invokedAs} help\``;
  throw new UserFacingError(
    guess
      ? `I don't know ${codeTyped(name)}. Did you mean \`${guess}\`? (${help} lists them all.)`
      : `I don't know ${codeTyped(name)}. Try ${help}.`,
  );
}

/**
 * The options of a typed line. Where Discord would show autocomplete, a missing required option is
 * answered with a few of the choices it would have offered, so a prompt or a prefix command still shows
 * what to type.
 */
export async function parseTextCommand(
  command: Command,
  words: readonly string[],
  ctx: CommandContext,
): Promise<CommandArgs> {
  try {
    return parseTextArgs(command, words);
  } catch (error) {
    if (!(error instanceof MissingOptionError) || !error.option.autocomplete || !command.complete)
      throw error;
    const choices = await command.complete(error.option.name, '', {}, ctx).catch(() => []);
    if (choices.length === 0) throw error;
    const names = choices.slice(0, LISTED_CHOICES).map((c) => `• ${escapeMarkdown(c.name)}`);
    const example = command.examples.find((e) => !e.startsWith('/')) ?? command.examples[0] ?? '';
    throw new UserFacingError(
      [`${error.message} For example:`, ...names, example ? `Type it like \`${example}\`.` : '']
        .filter(Boolean)
        .join('\n'),
    );
  }
}
