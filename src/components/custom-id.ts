/**
 * custom_id = `namespace:action:arg…`. Discord caps ids at 100 characters; building a longer one is a bug,
 * so `encodeCustomId` throws. Decoding never throws: anything unexpected comes back as null and is
 * answered "expired, run it again".
 */

export const CUSTOM_ID_MAX = 100;
const PART = /^[\w.@-]*$/;

export interface CustomId {
  namespace: string;
  action: string;
  args: string[];
}

export function encodeCustomId(namespace: string, action: string, ...args: Array<string | number>): string {
  const parts = [namespace, action, ...args.map(String)];
  for (const part of parts) {
    if (!PART.test(part))
      throw new Error(`custom_id part ${JSON.stringify(part)} has characters outside [A-Za-z0-9_.@-]`);
  }
  const id = parts.join(':');
  if (id.length > CUSTOM_ID_MAX)
    throw new Error(`custom_id is ${id.length} characters; Discord allows ${CUSTOM_ID_MAX}`);
  return id;
}

export function decodeCustomId(id: string): CustomId | null {
  if (id.length === 0 || id.length > CUSTOM_ID_MAX) return null;
  const [namespace, action, ...args] = id.split(':');
  if (!namespace || !action || ![namespace, action, ...args].every((part) => PART.test(part))) return null;
  return { namespace, action, args };
}

/** How an absent optional argument travels in an id (kept as `-` so ids already posted keep working). */
const ABSENT = '-';

/**
 * An id carries every argument its action names, or all but some trailing ones: an argument added at the end
 * of an action later is absent in the ids posted before (they keep working instead of reading "expired").
 */
const fits = (args: readonly string[], names: readonly string[]) =>
  args.length <= names.length && args.length > 0 === names.length > 0;

type ArgValues<Names extends readonly string[]> = { [N in Names[number]]: string | number | undefined };
type DecodedArgs<Names extends readonly string[]> = { [N in Names[number]]: string | undefined };

/**
 * One namespace's ids, typed: each action names its arguments once, `encode` takes them by name and
 * `decode` gives them back by name, or null when the id is not that action or has the wrong shape (answer
 * "expired"). The namespace module is the only user of its codec: it builds the ids and handles them.
 */
export function namespaceCodec<const Actions extends Record<string, readonly string[]>>(
  namespace: string,
  actions: Actions,
) {
  return {
    namespace,
    encode<K extends keyof Actions & string>(action: K, args: ArgValues<Actions[K]>): string {
      const values = args as Record<string, string | number | undefined>;
      const names = actions[action] as readonly string[];
      return encodeCustomId(namespace, action, ...names.map((name) => values[name] ?? ABSENT));
    },
    /** The action an id of this namespace names, when it is one of ours with a fitting number of arguments. */
    actionOf(input: { action: string; args: readonly string[] }): (keyof Actions & string) | null {
      if (!Object.hasOwn(actions, input.action)) return null;
      const names = actions[input.action] as readonly string[];
      return fits(input.args, names) ? input.action : null;
    },
    decode<K extends keyof Actions & string>(
      input: { action: string; args: readonly string[] },
      action: K,
    ): DecodedArgs<Actions[K]> | null {
      const names = actions[action] as readonly string[];
      if (input.action !== action || !fits(input.args, names)) return null;
      const entries = names.map((name, i) => [name, input.args[i] === ABSENT ? undefined : input.args[i]]);
      return Object.fromEntries(entries) as DecodedArgs<Actions[K]>;
    },
  };
}
