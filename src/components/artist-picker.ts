import { ComponentType } from 'discord.js';
import type { APIActionRowComponent, APIComponentInMessageActionRow } from 'discord.js';
import { escapeMarkdown, LIMITS, truncate } from '../reply.ts';
import type { Reply } from '../reply.ts';
import type { IndexEntry } from '../services/library-index.ts';

/** "Which artist did you mean?" with a select menu whose values are artist rating keys. */
export function artistPickerReply(text: string, choices: readonly IndexEntry[], customId: string): Reply {
  const row: APIActionRowComponent<APIComponentInMessageActionRow> = {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.StringSelect,
        custom_id: customId,
        placeholder: 'Choose the artist',
        options: choices.slice(0, LIMITS.selectOptions).map((c) => ({
          label: truncate(c.label, LIMITS.selectLabel),
          value: c.key,
        })),
      },
    ],
  };
  return {
    content: `Several artists match “${escapeMarkdown(truncate(text, 80))}”. Which one did you mean?`,
    components: [row],
  };
}
