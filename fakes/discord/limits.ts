// Discord's payload limits, checked the way Discord reports them: 400 'Invalid Form Body' (code 50035) with a
// tree of `_errors` keyed by the JSON path. discord.js flattens that tree into the DiscordAPIError message
// (e.g. "data.embeds[0].description[BASE_TYPE_MAX_LENGTH]: Must be 4096 or fewer in length."), so a bot
// that overflows a limit fails in tests the same way it would in production.
import type { RecordedFile } from './types.ts';

export interface ErrorTree {
  [key: string]: ErrorTree | Array<{ code: string; message: string }>;
}

/** An HTTP answer in Discord's error shape; thrown by route handlers and turned into the response. */
export class DiscordError extends Error {
  readonly status: number;
  readonly body: { message: string; code: number; errors?: ErrorTree };
  constructor(status: number, message: string, code: number, errors?: ErrorTree) {
    super(`${status} ${message}`);
    this.status = status;
    this.body = errors ? { message, code, errors } : { message, code };
  }
}

export const MAX_CHANNEL_UPLOAD = 10 * 1024 * 1024;
const MESSAGE_COMPONENTS_V2 = 1 << 15;

/** Collects field errors; `throwIfAny` raises the single 50035 Discord sends for all of them together. */
export class FormErrors {
  readonly tree: ErrorTree = {};
  add(path: Array<string | number>, code: string, message: string): void {
    let node = this.tree;
    for (const key of path) {
      const next = node[String(key)];
      if (next === undefined || Array.isArray(next)) node = node[String(key)] = {};
      else node = next;
    }
    const list = node._errors;
    if (Array.isArray(list)) list.push({ code, message });
    else node._errors = [{ code, message }];
  }
  maxLength(path: Array<string | number>, value: unknown, max: number): void {
    const length = typeof value === 'string' || Array.isArray(value) ? value.length : 0;
    if (length > max) this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }
  between(path: Array<string | number>, value: unknown, min: number, max: number): void {
    const length = typeof value === 'string' ? value.length : 0;
    if (length < min || length > max) {
      this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
    }
  }
  throwIfAny(): void {
    if (Object.keys(this.tree).length > 0) throw new DiscordError(400, 'Invalid Form Body', 50035, this.tree);
  }
}

type Json = Record<string, unknown>;
const asList = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const asObj = (v: unknown): Json => (v !== null && typeof v === 'object' ? (v as Json) : {});
const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

function validateEmbeds(errs: FormErrors, at: Array<string | number>, embeds: Json[]): void {
  errs.maxLength(at, embeds, 10);
  let total = 0;
  embeds.forEach((embed, i) => {
    const here = [...at, i];
    const fields = asList(embed.fields);
    errs.maxLength([...here, 'title'], embed.title, 256);
    errs.maxLength([...here, 'description'], embed.description, 4096);
    errs.maxLength([...here, 'fields'], fields, 25);
    errs.maxLength([...here, 'footer', 'text'], asObj(embed.footer).text, 2048);
    errs.maxLength([...here, 'author', 'name'], asObj(embed.author).name, 256);
    fields.forEach((field, j) => {
      errs.maxLength([...here, 'fields', j, 'name'], field.name, 256);
      errs.maxLength([...here, 'fields', j, 'value'], field.value, 1024);
    });
    total += text(embed.title).length + text(embed.description).length;
    total += text(asObj(embed.footer).text).length + text(asObj(embed.author).name).length;
    for (const field of fields) total += text(field.name).length + text(field.value).length;
  });
  if (total > 6000) errs.add(at, 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
}

function validateComponent(errs: FormErrors, at: Array<string | number>, c: Json): void {
  errs.maxLength([...at, 'custom_id'], c.custom_id, 100);
  if (c.type === 3) {
    const options = asList(c.options);
    errs.maxLength([...at, 'options'], options, 25);
    options.forEach((o, k) => {
      errs.maxLength([...at, 'options', k, 'label'], o.label, 100);
      errs.maxLength([...at, 'options', k, 'value'], o.value, 100);
    });
  }
}

function validateComponents(errs: FormErrors, at: Array<string | number>, rows: Json[], flags: number): void {
  if (flags & MESSAGE_COMPONENTS_V2) {
    // Components V2 layouts nest freely; Discord caps the total number of components at 40.
    const count = (list: Json[]): number =>
      list.reduce((n, c) => n + 1 + count(asList(c.components)) + (c.accessory ? 1 : 0), 0);
    if (count(rows) > 40) errs.add(at, 'BASE_TYPE_MAX_LENGTH', 'Must be 40 or fewer in length.');
    return;
  }
  errs.maxLength(at, rows, 5);
  rows.forEach((row, i) => {
    const children = asList(row.components);
    errs.maxLength([...at, i, 'components'], children, 5);
    if (children.some((c) => c.type !== 2) && children.length > 1) {
      errs.add(
        [...at, i, 'components'],
        'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
        'The specified component exceeds the maximum width',
      );
    }
    children.forEach((c, j) => validateComponent(errs, [...at, i, 'components', j], c));
  });
}

/** Limits of a message create/edit body (content, embeds, components), errors rooted at `at`. */
export function validateMessage(errs: FormErrors, at: string[], body: Json): void {
  errs.maxLength([...at, 'content'], body.content, 2000);
  if (body.embeds != null) validateEmbeds(errs, [...at, 'embeds'], asList(body.embeds));
  const flags = typeof body.flags === 'number' ? body.flags : 0;
  if (body.components != null)
    validateComponents(errs, [...at, 'components'], asList(body.components), flags);
}

/** Discord refuses to create a message with nothing in it (code 50006); edits may empty fields. */
export function requireNonEmpty(body: Json, files: RecordedFile[]): void {
  const has = (v: unknown): boolean =>
    typeof v === 'string' ? v.length > 0 : Array.isArray(v) && v.length > 0;
  if (has(body.content) || has(body.embeds) || has(body.components) || has(body.sticker_ids)) return;
  if (files.length > 0 || body.poll != null) return;
  throw new DiscordError(400, 'Cannot send an empty message', 50006);
}

/** Autocomplete result (callback type 8): at most 25 choices, names 1-100 chars, string values <= 100. */
export function validateChoices(errs: FormErrors, choices: unknown): void {
  const list = asList(choices);
  errs.maxLength(['data', 'choices'], list, 25);
  list.forEach((choice, i) => {
    errs.between(['data', 'choices', i, 'name'], choice.name, 1, 100);
    if (typeof choice.value === 'string') errs.maxLength(['data', 'choices', i, 'value'], choice.value, 100);
  });
}

/** Modal (callback type 9): custom_id <= 100, title 1-45, 1-5 top-level components. */
export function validateModal(errs: FormErrors, data: Json): void {
  errs.between(['data', 'custom_id'], data.custom_id, 1, 100);
  errs.between(['data', 'title'], data.title, 1, 45);
  const rows = asList(data.components);
  if (rows.length < 1 || rows.length > 5) {
    errs.add(['data', 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
  }
}

/** Any single upload over the limit fails the whole request with 413, as Discord does. */
export function checkFileSizes(files: RecordedFile[], limit: number): void {
  if (files.some((f) => f.size > limit)) throw new DiscordError(413, 'Request entity too large', 40005);
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateOptions(errs: FormErrors, at: Array<string | number>, options: Json[]): void {
  errs.maxLength(at, options, 25);
  let sawOptional = false;
  options.forEach((o, i) => {
    const here = [...at, i];
    if (typeof o.name !== 'string' || !COMMAND_NAME.test(o.name) || o.name !== o.name.toLowerCase()) {
      errs.add([...here, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    }
    errs.between([...here, 'description'], o.description, 1, 100);
    if (o.required === true && sawOptional) {
      errs.add(
        [...here, 'required'],
        'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
        'Required options must be placed before non-required options',
      );
    }
    if (o.type !== 1 && o.type !== 2 && o.required !== true) sawOptional = true;
    const choices = asList(o.choices);
    errs.maxLength([...here, 'choices'], choices, 25);
    choices.forEach((c, k) => errs.between([...here, 'choices', k, 'name'], c.name, 1, 100));
    if (o.options != null) validateOptions(errs, [...here, 'options'], asList(o.options));
  });
}

/** Bulk command overwrite (PUT .../commands): the rules that most often bite when registering commands. */
export function validateCommands(body: unknown): Json[] {
  const errs = new FormErrors();
  const commands = asList(body);
  const seen = new Set<string>();
  commands.forEach((cmd, i) => {
    const type = typeof cmd.type === 'number' ? cmd.type : 1;
    const name = typeof cmd.name === 'string' ? cmd.name : '';
    if (type === 1) {
      if (!COMMAND_NAME.test(name) || name !== name.toLowerCase()) {
        errs.add([i, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
      }
      errs.between([i, 'description'], cmd.description, 1, 100);
      validateOptions(errs, [i, 'options'], asList(cmd.options));
    } else {
      errs.between([i, 'name'], name, 1, 32);
    }
    if (seen.has(`${type}:${name}`)) {
      errs.add(
        [i, 'name'],
        'APPLICATION_COMMANDS_DUPLICATE_NAME',
        `Application command names must be unique`,
      );
    }
    seen.add(`${type}:${name}`);
  });
  errs.throwIfAny();
  return commands;
}
