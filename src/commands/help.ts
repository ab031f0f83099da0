import { LIMITS } from '../reply.ts';
import { escapeMarkdown, truncate } from '../markdown.ts';
import type { Command } from './types.ts';

/**
 * Slash descriptions say "(admins)" because Discord's picker shows nothing else; help says it in the
 * field name already, so once is enough.
 */
function withoutAdminNote(description: string): string {
  return description.replace(/ \(admins\)$/, '').replace(/\(admins; /, '(');
}

/**
 * `/alex help`. It lists the other commands, so it receives them instead of importing the list
 * (which imports this module).
 */
export function createHelp(commands: () => readonly Command[]): Command {
  return {
    name: 'help',
    description: 'What Autoalex can do, with examples',
    options: [],
    ephemeral: true,
    instant: true,
    examples: ['/alex help', '!alex help'],
    async run(_args, ctx) {
      const prefixes = ctx.config.discord.prefixes.join(', ');
      const fields = commands().map((command) => ({
        name: `${command.name}${command.adminOnly ? ' (admins)' : ''}`,
        value: truncate(
          `${withoutAdminNote(command.description)}\n${command.examples.map((e) => `\`${escapeMarkdown(e).replace(/`/g, '')}\``).join(' · ')}`,
          LIMITS.fieldValue,
        ),
      }));
      return {
        ephemeral: true,
        embeds: [
          {
            title: 'Autoalex — Plex, Tautulli and your music, in Discord',
            description: `Use the slash command \`/alex <subcommand>\` or type a prefix (${prefixes}) followed by the subcommand.`,
            fields: fields.slice(0, LIMITS.embedFields),
            color: 0xe5a00d,
          },
        ],
      };
    },
  };
}
