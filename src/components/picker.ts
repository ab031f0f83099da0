import { ComponentType } from 'discord.js';
import type { APIActionRowComponent, APIComponentInMessageActionRow } from 'discord.js';
import { LIMITS } from '../reply.ts';
import { quoteTyped, truncate } from '../markdown.ts';
import type { Reply } from '../reply.ts';
import type { IndexEntry } from '../services/library/library-index.ts';

/** "Which artist did you mean?" with a select menu whose values are rating keys (artists or albums). */
export function pickerReply(
  text: string,
  choices: readonly IndexEntry[],
  customId: string,
  noun: 'artist' | 'album' | 'track' = 'artist',
): Reply {
  const row: APIActionRowComponent<APIComponentInMessageActionRow> = {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.StringSelect,
        custom_id: customId,
        placeholder: `Choose the ${noun}`,
        options: choices.slice(0, LIMITS.selectOptions).map((c) => ({
          label: truncate(c.label, LIMITS.selectLabel),
          value: c.key,
        })),
      },
    ],
  };
  return {
    content: `Several ${noun}s match “${quoteTyped(text)}”. Which one did you mean?`,
    components: [row],
  };
}
