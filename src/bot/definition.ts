import { SlashCommandBuilder } from '@discordjs/builders';
import type { SlashCommandSubcommandBuilder } from '@discordjs/builders';
import { InteractionContextType } from 'discord.js';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Command, CommandOption } from '../commands/types.ts';

export const ROOT_COMMAND = 'alex';

function addOption(sub: SlashCommandSubcommandBuilder, option: CommandOption): void {
  const numeric = <
    T extends { setAutocomplete(a: boolean): T; setMinValue(v: number): T; setMaxValue(v: number): T },
  >(
    o: T,
  ) => {
    o.setAutocomplete(option.autocomplete ?? false);
    if (option.minValue !== undefined) o.setMinValue(option.minValue);
    if (option.maxValue !== undefined) o.setMaxValue(option.maxValue);
    return o;
  };
  const base = <
    T extends { setName(n: string): T; setDescription(d: string): T; setRequired(r: boolean): T },
  >(
    o: T,
  ) =>
    o
      .setName(option.name)
      .setDescription(option.description)
      .setRequired(option.required ?? false);
  switch (option.type) {
    case 'string':
      sub.addStringOption((o) => {
        base(o).setAutocomplete(option.autocomplete ?? false);
        if (option.maxLength) o.setMaxLength(option.maxLength);
        if (option.choices)
          o.addChoices(...option.choices.map((c) => ({ name: c.name, value: String(c.value) })));
        return o;
      });
      break;
    case 'integer':
      sub.addIntegerOption((o) => numeric(base(o)));
      break;
    case 'number':
      sub.addNumberOption((o) => numeric(base(o)));
      break;
    case 'boolean':
      sub.addBooleanOption((o) => base(o));
      break;
    case 'user':
      sub.addUserOption((o) => base(o));
      break;
  }
}

/** The `/alex` slash command, built from the command modules' declarations (the deploy script PUTs this). */
export function buildSlashDefinition(
  commands: readonly Command[],
): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const root = new SlashCommandBuilder()
    .setName(ROOT_COMMAND)
    .setDescription('Autoalex: your Plex server in Discord')
    .setContexts(InteractionContextType.Guild);
  for (const command of commands) {
    root.addSubcommand((sub) => {
      sub.setName(command.name).setDescription(command.description);
      for (const option of command.options) addOption(sub, option);
      return sub;
    });
  }
  return root.toJSON();
}
