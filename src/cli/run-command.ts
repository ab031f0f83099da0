import { findTextCommand, parseTextCommand } from '../commands/text-line.ts';
import { tokenize } from '../words.ts';
import type { CommandContext } from '../context.ts';
import { DEFAULT_ATTACHMENT_LIMIT_BYTES } from '../context.ts';
import type { Config } from '../config.ts';
import { describeFailure } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Reply } from '../reply.ts';
import type { Services } from '../services/index.ts';

/** The context of a command run at the terminal, as the server owner (the CLI, the demo, the benchmarks). */
export function cliContext(deps: { config: Config; services: Services; logger: Logger }): CommandContext {
  return {
    ...deps,
    caller: { id: 'cli', name: 'terminal', isAdmin: true },
    transport: 'cli',
    invokedAs: 'cli',
    attachmentSizeLimit: DEFAULT_ATTACHMENT_LIMIT_BYTES,
    progress: (update) => deps.logger.info(typeof update === 'string' ? update : (update.content ?? '')),
  };
}

/**
 * Runs one command line outside Discord (the `autoalex` CLI and the demo), as the server owner:
 * `usage`, `/alex usage`, `!alex usage`, `completion --artist Skrillex`. Errors become a Reply.
 */
export async function runCommandLine(
  line: string,
  deps: { config: Config; services: Services; logger: Logger },
): Promise<{ reply: Reply; ok: boolean }> {
  const words = tokenize(line.trim());
  const first = words[0]?.toLowerCase();
  if (first === '/alex' || (first !== undefined && deps.config.discord.prefixes.includes(first)))
    words.shift();
  const ctx = cliContext(deps);
  try {
    const [name = 'help', ...rest] = words;
    const command = findTextCommand(name, 'cli');
    return { reply: await command.run(await parseTextCommand(command, rest, ctx), ctx), ok: true };
  } catch (error) {
    return { reply: { content: describeFailure(error, deps.logger) }, ok: false };
  }
}
