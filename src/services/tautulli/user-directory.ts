import { within } from '../../within.ts';
import type { Logger } from '../../logger.ts';
import { normalize } from '../library/text-match.ts';
import type { TautulliService, TautulliUser } from './client.ts';

/** Users change rarely; autocomplete asks on every keystroke. */
export const USER_CACHE_TTL_MS = 60_000;

export interface UserDirectory {
  /** Tautulli's users, cached; on failure the last good list (or an error if there never was one). */
  list(): Promise<TautulliUser[]>;
  /** Like list(), but never throws and never waits longer than `budgetMs`: for autocomplete. */
  listQuickly(budgetMs: number): Promise<TautulliUser[]>;
  /** A user by id, exact name, or unambiguous name prefix (case- and accent-insensitive). */
  find(text: string): Promise<TautulliUser | TautulliUser[] | undefined>;
}

export function createUserDirectory(tautulli: TautulliService, logger: Logger): UserDirectory {
  let cached: { users: TautulliUser[]; at: number } | undefined;
  let pending: Promise<TautulliUser[]> | undefined;

  const load = (): Promise<TautulliUser[]> =>
    (pending ??= tautulli
      .getUsers()
      .then((users) => {
        cached = { users, at: Date.now() };
        return users;
      })
      .finally(() => (pending = undefined)));

  const directory: UserDirectory = {
    async list() {
      if (cached && Date.now() - cached.at < USER_CACHE_TTL_MS) return cached.users;
      try {
        return await load();
      } catch (error) {
        if (cached) return cached.users;
        throw error;
      }
    },
    async listQuickly(budgetMs) {
      try {
        return await within(directory.list(), budgetMs, () => cached?.users ?? []);
      } catch (error) {
        logger.debug({ err: error }, 'user list unavailable for autocomplete');
        return cached?.users ?? [];
      }
    },
    async find(text) {
      const users = await directory.list();
      const byId = users.find((u) => u.userId === text.trim());
      if (byId) return byId;
      const q = normalize(text);
      if (!q) return undefined;
      const exact = users.filter((u) => normalize(u.name) === q || normalize(u.username) === q);
      if (exact.length === 1) return exact[0];
      const prefix = users.filter(
        (u) => normalize(u.name).startsWith(q) || normalize(u.username).startsWith(q),
      );
      if (prefix.length === 1) return prefix[0];
      return prefix.length > 1 ? prefix : undefined;
    },
  };
  return directory;
}
