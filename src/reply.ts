import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from 'discord.js';
import { truncate } from './markdown.ts';

/** A file to upload with a reply; referenced from embeds as `attachment://{name}`. */
export interface ReplyFile {
  name: string;
  data: Buffer;
  description?: string;
}

/**
 * What a command or component answers, independent of the transport. The Discord adapters turn it into
 * an interaction reply or a channel message; the CLI prints it as text or JSON.
 */
export interface Reply {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  files?: ReplyFile[];
  /** Only the caller sees it (slash commands and components); prefix replies are always public. */
  ephemeral?: boolean;
}

/** Discord's documented message and embed limits (developers/resources/message.mdx, "Embed Limits"). */
export const LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedTotal: 6000,
  choiceName: 100,
  choices: 25,
  selectOptions: 25,
  selectLabel: 100,
} as const;

/** A text progress bar such as `▰▰▰▰▱▱▱▱▱▱`; `fraction` is clamped to 0–1. */
export function progressBar(fraction: number, width = 10): string {
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(clamped * width);
  return '▰'.repeat(filled) + '▱'.repeat(width - filled);
}

/** Text Discord counts toward the 6000-character total of a message's embeds. */
export function embedTextLength(embed: APIEmbed): number {
  let total = (embed.title ?? '').trim().length + (embed.description ?? '').trim().length;
  total += (embed.footer?.text ?? '').trim().length + (embed.author?.name ?? '').trim().length;
  for (const field of embed.fields ?? []) total += field.name.trim().length + field.value.trim().length;
  return total;
}

/**
 * Applies every per-embed limit, then drops trailing embeds until the message fits Discord's 10-embed and
 * 6000-character totals. Returns how many embeds were dropped so the caller can say so.
 */
export function fitEmbeds(embeds: readonly APIEmbed[]): { embeds: APIEmbed[]; dropped: number } {
  const fitted = embeds.slice(0, LIMITS.embedsPerMessage).map(fitEmbed);
  let total = fitted.reduce((sum, embed) => sum + embedTextLength(embed), 0);
  while (total > LIMITS.embedTotal && fitted.length > 1) {
    total -= embedTextLength(fitted.pop() as APIEmbed);
  }
  return { embeds: fitted, dropped: embeds.length - fitted.length };
}

function fitEmbed(embed: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...embed };
  if (out.title !== undefined) out.title = truncate(out.title, LIMITS.embedTitle);
  if (out.description !== undefined) out.description = truncate(out.description, LIMITS.embedDescription);
  if (out.footer) out.footer = { ...out.footer, text: truncate(out.footer.text, LIMITS.footerText) };
  if (out.author) out.author = { ...out.author, name: truncate(out.author.name, LIMITS.authorName) };
  if (out.fields) {
    out.fields = out.fields.slice(0, LIMITS.embedFields).map((field) => ({
      ...field,
      name: truncate(field.name, LIMITS.fieldName),
      value: truncate(field.value, LIMITS.fieldValue),
    }));
  }
  return out;
}
