import { codeTyped } from '../markdown.ts';
import { UserFacingError } from '../errors.ts';
import { similarity } from '../services/library/text-match.ts';
import type { Command, CommandOption } from './types.ts';
import type { CommandArgs } from '../context.ts';

/** A required option is missing; the text adapters add a few choices when the option autocompletes. */
export class MissingOptionError extends UserFacingError {
  declare readonly command: Command;
  declare readonly option: CommandOption;
  constructor(command: Command, option: CommandOption) {
    super(`\`${command.name}\` needs \`${option.name}\` (${option.description}).`);
    // Not enumerable: to everyone else this is the plain UserFacingError it reads as.
    Object.defineProperties(this, { command: { value: command }, option: { value: option } });
  }
}

const TRUE_WORD = /^(true|yes|1|on)$/i;
const FALSE_WORD = /^(false|no|0|off)$/i;
const BOOLEAN_WORD = /^(true|yes|1|on|false|no|0|off)$/i;

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
      if (TRUE_WORD.test(raw)) return true;
      if (FALSE_WORD.test(raw)) return false;
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
 * Parses the words after the subcommand, for the prefix and CLI forms, as people type them:
 * `name:value` and `--name value` set an option, and a text value runs until the next option
 * (`album:A Love Supreme`, `track:Chop Suey! stem:vocals`); a number, yes/no, member or fixed-choice
 * option takes one word. Words before any option fill the first text option (`!alex completion Miles
 * Davis`). A misspelt option gets "did you mean"; missing required ones get a clear message.
 */
export function parseTextArgs(command: Command, tokens: readonly string[]): CommandArgs {
  const byName = new Map(command.options.map((o) => [o.name, o]));
  const values = new Map<string, string[]>();
  const free: string[] = [];
  let open: { option: CommandOption; words: string[] } | undefined;
  for (const token of tokens) {
    const start = optionStart(command, byName, token);
    if (!start) {
      if (open && (takesWords(open.option) || takesNext(open, token))) open.words.push(token);
      else free.push(token);
      continue;
    }
    if (values.has(start.option.name)) throw new UserFacingError(`\`${start.option.name}\` is given twice.`);
    open = { option: start.option, words: start.value === '' ? [] : [start.value] };
    values.set(start.option.name, open.words);
  }
  const args: CommandArgs = {};
  for (const [name, words] of values) {
    const option = byName.get(name) as CommandOption;
    if (words.length === 0 && option.type !== 'boolean')
      throw new UserFacingError(`\`${name}\` needs a value.`);
    args[name] = coerce(option, words.length === 0 ? 'true' : words.join(' '));
  }
  if (free.length > 0) {
    const target = command.options.find((o) => o.type === 'string' && args[o.name] === undefined);
    if (!target) throw new UserFacingError(`\`${command.name}\` does not take ${codeTyped(free.join(' '))}.`);
    args[target.name] = coerce(target, free.join(' '));
  }
  for (const option of command.options) {
    if (option.required && args[option.name] === undefined) throw new MissingOptionError(command, option);
  }
  return args;
}

/** Free text continues a text option; other kinds take one word, the rest is free text again. */
function takesWords(option: CommandOption): boolean {
  return option.type === 'string' && !option.choices;
}

/** A one-word option still waiting for its word; a bare `--dry_run` takes only a yes/no word. */
function takesNext(open: { option: CommandOption; words: string[] }, token: string): boolean {
  if (open.words.length > 0) return false;
  return open.option.type !== 'boolean' || BOOLEAN_WORD.test(token);
}

/**
 * `name:value`, `--name value` or `--name=value` naming an option of the command. A `word:` that is no
 * option but close to one is a typo ("did you mean"); one that is not close is part of a title
 * (`Live: Take No Prisoners` stays text).
 */
function optionStart(
  command: Command,
  byName: ReadonlyMap<string, CommandOption>,
  token: string,
): { option: CommandOption; value: string } | undefined {
  const flag = /^--([a-z_]+)(?:=(.*))?$/i.exec(token);
  const pair = flag ? undefined : /^([a-z_]+):(.*)$/i.exec(token);
  const match = flag ?? pair;
  if (!match) return undefined;
  const name = (match[1] as string).toLowerCase();
  const option = byName.get(name);
  if (option) return { option, value: match[2] ?? '' };
  const guess = closest(name, [...byName.keys()]);
  if (flag || guess) {
    const hint = guess
      ? `Did you mean \`${guess}\`?`
      : `Its options: ${[...byName.keys()].map((n) => `\`${n}\``).join(', ') || 'none'}.`;
    throw new UserFacingError(`\`${command.name}\` has no option \`${name}\`. ${hint}`);
  }
  return undefined;
}

/**
 * The candidate most like `word`, when it is close enough to be a typo: a prefix of it, one or two
 * edits away (a swapped pair counts as one: `stme` → `stem`), or sharing most letter pairs (Sørensen–Dice).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { name: string; score: number } | undefined;
  for (const name of candidates) {
    const edits = editDistance(lower, name);
    const score = Math.max(
      name.startsWith(lower) && lower.length >= 3 ? 0.9 : 0,
      edits <= (name.length >= 6 ? 2 : 1) ? 1 - edits / (name.length + 1) : 0,
      similarity(lower, name),
    );
    if (score >= 0.5 && (!best || score > best.score)) best = { name, score };
  }
  return best?.name;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    const up = d[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}
