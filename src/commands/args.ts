import { UserFacingError } from '../errors.ts';
import type { Command, CommandOption } from './types.ts';
import type { CommandArgs } from '../context.ts';

function coerce(option: CommandOption, raw: string): string | number | boolean {
  switch (option.type) {
    case 'string':
      if (option.maxLength && raw.length > option.maxLength) {
        throw new UserFacingError(`\`${option.name}\` can be at most ${option.maxLength} characters.`);
      }
      return raw;
    case 'user': {
      // A mention (<@123>, <@!123>) or a raw id, as typed in a prefix command.
      const id = /^<@!?(\d{17,20})>$/.exec(raw)?.[1] ?? (/^\d{17,20}$/.test(raw) ? raw : undefined);
      if (!id) throw new UserFacingError(`\`${option.name}\` must be a mention like @someone.`);
      return id;
    }
    case 'boolean':
      if (/^(true|yes|1|on)$/i.test(raw)) return true;
      if (/^(false|no|0|off)$/i.test(raw)) return false;
      throw new UserFacingError(`\`${option.name}\` must be true or false.`);
    default: {
      const value = Number(raw);
      if (!Number.isFinite(value) || (option.type === 'integer' && !Number.isInteger(value))) {
        throw new UserFacingError(
          `\`${option.name}\` must be a ${option.type === 'integer' ? 'whole ' : ''}number.`,
        );
      }
      if (option.minValue !== undefined && value < option.minValue)
        throw new UserFacingError(`\`${option.name}\` must be at least ${option.minValue}.`);
      if (option.maxValue !== undefined && value > option.maxValue)
        throw new UserFacingError(`\`${option.name}\` must be at most ${option.maxValue}.`);
      return value;
    }
  }
}

/**
 * Parses the words after the subcommand, for the prefix and CLI forms: `name:value` or `--name value`
 * set an option; the remaining words, joined, fill the first text option (so `!alex completion Miles
 * Davis` works). Unknown options and missing required ones get a clear message.
 */
export function parseTextArgs(command: Command, tokens: readonly string[]): CommandArgs {
  const args: CommandArgs = {};
  const rest: string[] = [];
  const byName = new Map(command.options.map((o) => [o.name, o]));
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const flag = /^--([a-z_]+)(?:=(.*))?$/.exec(token);
    const pair = /^([a-z_]+):(.*)$/.exec(token);
    const name = flag?.[1] ?? (pair && byName.has(pair[1] as string) ? pair[1] : undefined);
    if (name === undefined) {
      rest.push(token);
      continue;
    }
    const option = byName.get(name);
    if (!option) throw new UserFacingError(`\`${command.name}\` has no option \`${name}\`. Try \`help\`.`);
    let raw = flag ? flag[2] : pair?.[2];
    if (raw === undefined || raw === '')
      raw = option.type === 'boolean' && flag && !flag[2] ? 'true' : tokens[++i];
    if (raw === undefined) throw new UserFacingError(`\`${name}\` needs a value.`);
    args[name] = coerce(option, raw);
  }
  if (rest.length > 0) {
    const free = command.options.find((o) => o.type === 'string' && args[o.name] === undefined);
    if (!free) throw new UserFacingError(`\`${command.name}\` does not take \`${rest.join(' ')}\`.`);
    args[free.name] = coerce(free, rest.join(' '));
  }
  for (const option of command.options) {
    if (option.required && args[option.name] === undefined) {
      throw new UserFacingError(`\`${command.name}\` needs \`${option.name}\` (${option.description}).`);
    }
  }
  return args;
}
