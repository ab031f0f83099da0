/**
 * Colours of the cards: Discord's dark theme greys, so a card sits in a chat like part of it, and Plex's
 * orange (the embeds' colour) as the accent.
 */
export const THEME = {
  background: '#1e1f22',
  backgroundEnd: '#141517',
  panel: '#2b2d31',
  panelBorder: '#3f4147',
  track: '#3a3c43',
  text: '#f2f3f5',
  muted: '#b5bac1',
  faint: '#80848e',
  accent: '#e5a00d',
  accentBright: '#ffc53d',
  complete: '#23a55a',
  /** The two sides of a battle. */
  sideA: '#5865f2',
  sideB: '#eb459e',
} as const;

/** A stable hue (0–359) for a name: placeholders and avatars differ per item but never between renders. */
export function hueOf(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return (hash >>> 0) % 360;
}
