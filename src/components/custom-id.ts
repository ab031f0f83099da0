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
