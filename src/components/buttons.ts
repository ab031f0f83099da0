import { ButtonStyle, ComponentType } from 'discord.js';
import type {
  APIActionRowComponent,
  APIButtonComponentWithCustomId,
  APIComponentInMessageActionRow,
} from 'discord.js';

export type Row = APIActionRowComponent<APIComponentInMessageActionRow>;
type Style = ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger;

/** A button that carries a custom_id (secondary unless told). */
export function button(
  label: string,
  customId: string,
  style: Style = ButtonStyle.Secondary,
  extra: { disabled?: boolean; emoji?: string } = {},
): APIButtonComponentWithCustomId {
  return {
    type: ComponentType.Button,
    style,
    label,
    custom_id: customId,
    ...(extra.disabled === undefined ? {} : { disabled: extra.disabled }),
    ...(extra.emoji === undefined ? {} : { emoji: { name: extra.emoji } }),
  };
}

export function row(...components: APIComponentInMessageActionRow[]): Row {
  return { type: ComponentType.ActionRow, components };
}

/**
 * Previous/Next under a paged answer, or no row for a single page. The page to show travels in the
 * custom_id, so a press is stateless and survives restarts.
 */
export function pageRows(current: number, pages: number, idFor: (page: number) => string): Row[] {
  if (pages <= 1) return [];
  return [
    row(
      button('◀ Previous', idFor(current - 1), ButtonStyle.Secondary, { disabled: current === 0 }),
      button('Next ▶', idFor(current + 1), ButtonStyle.Secondary, { disabled: current >= pages - 1 }),
    ),
  ];
}
