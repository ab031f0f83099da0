import type { APIEmbed } from 'discord.js';
import { ComponentType } from 'discord.js';
import type { Reply } from './reply.ts';

/** Discord markdown escapes are noise in a terminal. */
function plain(text: string): string {
  return text.replace(/\\([\\*_~`|[\]#>-])/g, '$1').replace(/\*\*(.+?)\*\*/g, '$1');
}

function embedText(embed: APIEmbed): string[] {
  const lines: string[] = [];
  if (embed.title) lines.push(`┌ ${plain(embed.title)}`);
  if (embed.description)
    lines.push(
      ...plain(embed.description)
        .split('\n')
        .map((l) => `│ ${l}`),
    );
  for (const field of embed.fields ?? []) {
    const [first = '', ...more] = plain(field.value).split('\n');
    lines.push(`│ ${plain(field.name)}: ${first}`, ...more.map((l) => `│   ${l}`));
  }
  if (embed.thumbnail?.url) lines.push(`│ [image ${embed.thumbnail.url.replace('attachment://', '')}]`);
  if (embed.image?.url) lines.push(`│ [image ${embed.image.url.replace('attachment://', '')}]`);
  if (embed.footer?.text) lines.push(`└ ${plain(embed.footer.text)}`);
  else lines.push('└');
  return lines;
}

/** A Reply as readable terminal text: content, boxed embeds, buttons and menus in brackets, files. */
export function replyToText(reply: Reply): string {
  const lines: string[] = [];
  if (reply.content) lines.push(plain(reply.content));
  for (const embed of reply.embeds ?? []) lines.push(...embedText(embed));
  for (const row of reply.components ?? []) {
    const menus: string[] = [];
    const items = row.components.map((c) => {
      if (c.type === ComponentType.Button && 'label' in c) return `[${c.label ?? ''}]`;
      if (c.type === ComponentType.StringSelect) {
        // A terminal cannot open the menu, so its choices are listed: they are what to type next.
        menus.push(
          ...c.options.map(
            (o, i) => `  ${i + 1}. ${plain(o.label)}${o.description ? ` — ${plain(o.description)}` : ''}`,
          ),
        );
        return `[${c.placeholder ?? 'menu'} ▾ ${c.options.length} choices]`;
      }
      return '[control]';
    });
    lines.push(items.join(' '), ...menus);
  }
  for (const file of reply.files ?? []) lines.push(`(attachment ${file.name}, ${file.data.length} bytes)`);
  return lines.join('\n');
}

/** A Reply as JSON for scripts: files become their name and size. */
export function replyToJson(reply: Reply): string {
  const files = (reply.files ?? []).map((f) => ({ name: f.name, size: f.data.length }));
  return JSON.stringify({ ...reply, files }, null, 2);
}
