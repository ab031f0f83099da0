import { UserFacingError } from '../errors.ts';
import { escapeMarkdown, quoteTyped } from '../markdown.ts';
import { EVERYONE } from '../services/listening/stats.ts';
import type { Listener } from '../services/listening/stats.ts';
import { READY_WAIT_MS } from '../services/library/library-index.ts';
import type { EntryKind, IndexEntry } from '../services/library/library-index.ts';
import { matchTier, normalize, queryWords } from '../services/library/text-match.ts';
import type { CommandContext } from '../context.ts';
import type { UserLink } from '../services/store/index.ts';

export function linkHint(invokedAs: string): string {
  const slash = invokedAs.startsWith('/') || invokedAs === 'cli';
  const example = slash
    ? '`/alex link plex_user:<your Plex name>`'
    : `\`${invokedAs} link <your Plex name>\``;
  return `You haven't linked your Plex account yet. Link it with ${example}, or name a user (\`user:all\` counts everyone).`;
}

function listNames(names: readonly string[], max = 10): string {
  const shown = names.slice(0, max).map(escapeMarkdown).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/**
 * Turns a `user` argument into a listener: a Tautulli user id (from autocomplete), a name, or `all`.
 * Without one, the caller's link; with no link, everyone on the `!plex` form (as the original spec's
 * command did) and a how-to-link answer elsewhere.
 */
export async function resolveListener(text: string | undefined, ctx: CommandContext): Promise<Listener> {
  if (text !== undefined && text.trim() !== '') {
    if ([EVERYONE, 'everyone', '*'].includes(text.trim().toLowerCase())) return { kind: 'all' };
    const found = await ctx.services.users.find(text);
    if (Array.isArray(found)) {
      throw new UserFacingError(
        `Several Plex users match “${quoteTyped(text, 50)}”: ${listNames(found.map((u) => u.name))}. Be more specific.`,
      );
    }
    if (!found) {
      const known = (await ctx.services.users.list()).map((u) => u.name);
      throw new UserFacingError(
        `There is no Plex user named “${quoteTyped(text, 50)}”. Known users: ${listNames(known)}.`,
      );
    }
    // The link only changes the wording ("You have…"): a database that cannot be read must not cost the answer.
    let link: UserLink | undefined;
    try {
      link = ctx.services.store.getLink(ctx.caller.id);
    } catch (error) {
      ctx.logger.warn({ err: error }, 'cannot read the caller’s link; answering without it');
    }
    return {
      kind: 'user',
      userId: found.userId,
      name: found.name,
      isCaller: link?.plexUserId === found.userId,
    };
  }
  const link = ctx.services.store.getLink(ctx.caller.id);
  if (link) return { kind: 'user', userId: link.plexUserId, name: link.plexUserName, isCaller: true };
  if (ctx.invokedAs === '!plex' || ctx.transport === 'cli') return { kind: 'all' };
  throw new UserFacingError(linkHint(ctx.invokedAs));
}

export type ArtistMatch = { artist: IndexEntry } | { choices: IndexEntry[] };

/**
 * Finds the artist a user meant: a rating key from autocomplete, the exact name, the only match, or
 * several close matches to choose from. Unknown names get the closest suggestions.
 */
export async function resolveArtist(text: string, ctx: CommandContext): Promise<ArtistMatch> {
  const found = await resolveEntry('artist', text, ctx);
  return 'entry' in found ? { artist: found.entry } : found;
}

/** Like resolveArtist, for any kind of library entry (a track for the remix commands). */
export async function resolveEntry(
  kind: EntryKind,
  text: string,
  ctx: CommandContext,
): Promise<{ entry: IndexEntry } | { choices: IndexEntry[] }> {
  await ctx.services.library.ready(READY_WAIT_MS);
  const match = findEntry(kind, text, ctx);
  if (match) return match;
  // A miss may be an item added since the last build. Never rebuild inline (31 s at 400,000 tracks): let
  // Plex's own search confirm an exact new title within a short budget, and otherwise answer with the
  // closest names from the current index, worked out while Plex searches. The background rebuild (at most
  // one per few minutes) is asked for once the answer is known, so its first pages do not delay it.
  const confirming = ctx.services.library.confirm(kind, text, CONFIRM_BUDGET_MS);
  const miss = unknownEntry(kind, text, ctx);
  const confirmed = await confirming;
  ctx.services.library.refreshSoon();
  if (confirmed) return { entry: confirmed };
  throw miss;
}

/** How long a miss waits for Plex's search before answering with suggestions. */
const CONFIRM_BUDGET_MS = 150;

/** A rating key of that kind, the exact name, the only match, or the close matches; null for none. */
export function findEntry(
  kind: EntryKind,
  text: string,
  ctx: CommandContext,
): { entry: IndexEntry } | { choices: IndexEntry[] } | null {
  const { library } = ctx.services;
  const trimmed = text.trim();
  const byKey = library.get(trimmed);
  if (byKey?.kind === kind) return { entry: byKey };
  const q = normalize(trimmed);
  // Text with no letters or digits ("???", emoji) would match every name that also has none ("!!!"): nothing.
  if (!q) return null;
  // Fuzzy matches help while typing, but are never taken as the answer: "Skrilex" gets suggestions.
  const words = queryWords(q);
  const matches = library.search(kind, trimmed, 10).filter((m) => matchTier(m, q, words, false) !== -1);
  const exact = matches.filter((m) => m.name === q);
  if (exact.length === 1) return { entry: exact[0] as IndexEntry };
  if (matches.length === 1) return { entry: matches[0] as IndexEntry };
  if (matches.length > 1) return { choices: exact.length > 1 ? exact : matches };
  return null;
}

/** The artist a component's custom_id or menu value names (a rating key): gone from the library = expired. */
export async function artistByKey(key: string, ctx: CommandContext): Promise<{ key: string; title: string }> {
  const match = await resolveArtist(key, ctx);
  if ('choices' in match) throw new UserFacingError('That artist is no longer in the library.');
  return { key: match.artist.key, title: match.artist.label };
}

/** What a miss answers: the name was not found, with the closest artists for an artist. */
function unknownEntry(kind: EntryKind, text: string, ctx: CommandContext): UserFacingError {
  const trimmed = text.trim();
  const named = `There is no ${kind} named “${quoteTyped(trimmed)}” on this server.`;
  if (kind !== 'artist')
    return new UserFacingError(`${named} Start typing its title and pick it from the list.`);
  const suggestions = ctx.services.library.suggestArtists(trimmed, 3).map((a) => a.label);
  const closest = suggestions.length > 0 ? ` Closest: ${listNames(suggestions)}.` : '';
  return new UserFacingError(`${named}${closest}`);
}
