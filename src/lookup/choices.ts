import type { EntryKind } from '../services/library/library-index.ts';
import { normalize } from '../services/library/text-match.ts';
import { LIMITS } from '../reply.ts';
import { EVERYONE } from '../services/listening/stats.ts';
import type { Choice, CommandContext } from '../context.ts';

/** The budget for Tautulli's user list inside Discord's 3-second autocomplete window. */
const USERS_BUDGET_MS = 1500;

/** Library choices from the in-memory index: never calls Plex, answers from the last index (or nothing). */
export function libraryChoices(kind: EntryKind, text: string, ctx: CommandContext): Choice[] {
  return ctx.services.library
    .search(kind, text, LIMITS.choices)
    .map((entry) => ({ name: entry.label, value: entry.key }));
}

/** Plex users from Tautulli (cached), with "Everyone" first when `withEveryone`. */
export async function userChoices(
  text: string,
  ctx: CommandContext,
  withEveryone: boolean,
): Promise<Choice[]> {
  const q = normalize(text);
  const users = await ctx.services.users.listQuickly(USERS_BUDGET_MS);
  const choices = users
    .filter((u) => !q || normalize(u.name).includes(q) || normalize(u.username).includes(q))
    .sort((a, b) => Number(b.isActive) - Number(a.isActive) || a.name.localeCompare(b.name))
    .map((u) => ({ name: u.name === u.username ? u.name : `${u.name} (${u.username})`, value: u.userId }));
  if (withEveryone && (!q || 'everyone all'.includes(q)))
    choices.unshift({ name: 'Everyone on this server', value: EVERYONE });
  return choices.slice(0, LIMITS.choices);
}

/** week, month, year, all and the last few calendar years, filtered by what is typed. */
export function periodChoices(text: string, now = new Date()): Choice[] {
  const year = now.getFullYear();
  const all = [
    { name: 'This week', value: 'week' },
    { name: 'This month', value: 'month' },
    { name: 'This year', value: 'year' },
    { name: 'All time', value: 'all' },
    ...[1, 2, 3, 4, 5].map((back) => ({ name: String(year - back), value: String(year - back) })),
  ];
  const q = normalize(text);
  return all.filter((c) => !q || c.value.startsWith(q) || normalize(c.name).includes(q));
}
