import { Client, Events, GatewayCloseCodes, GatewayIntentBits } from 'discord.js';
import type { ClientOptions } from 'discord.js';
import type { Logger } from '../logger.ts';

export type RestOverrides = Partial<NonNullable<ClientOptions['rest']>>;

export interface ClientFactoryOptions {
  /** Discord's API base without the version (`http://127.0.0.1:PORT/api` for a local fake); unset = Discord. */
  apiUrl?: string;
  /** Extra REST options (tests lift the client-side global limit and retries). */
  rest?: RestOverrides;
  /** Ask for the privileged MessageContent intent (needed by the `!alex` prefix). */
  messageContent: boolean;
}

export function createDiscordClient(options: ClientFactoryOptions): Client {
  const intents = [GatewayIntentBits.Guilds];
  if (options.messageContent) intents.push(GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent);
  return new Client({
    intents,
    rest: { ...(options.apiUrl ? { api: options.apiUrl } : {}), ...options.rest },
    // Nothing the bot does needs the member list; keep memory flat on big servers.
    allowedMentions: { parse: [], repliedUser: false },
  });
}

const DISALLOWED = /disallowed intents/i;

/**
 * Logs in and resolves when the client is ready, or with 'disallowed' when Discord refuses a privileged
 * intent (close code 4014: MessageContent is not enabled in the Developer Portal). discord.js reports
 * 4014 only as a shard disconnect and an error event, so both are watched.
 */
export function loginUntilReady(client: Client, token: string): Promise<'ready' | 'disallowed'> {
  return new Promise((resolve, reject) => {
    const settle = (outcome: 'ready' | 'disallowed') => {
      client.off(Events.ShardDisconnect, onDisconnect);
      client.off(Events.Error, onError);
      resolve(outcome);
    };
    const onDisconnect = (event: { code: number }) => {
      if (event.code === GatewayCloseCodes.DisallowedIntents) settle('disallowed');
    };
    const onError = (error: Error) => {
      if (DISALLOWED.test(error.message)) settle('disallowed');
    };
    client.once(Events.ClientReady, () => settle('ready'));
    client.on(Events.ShardDisconnect, onDisconnect);
    client.on(Events.Error, onError);
    client.login(token).catch((error: unknown) => {
      if (error instanceof Error && DISALLOWED.test(error.message)) settle('disallowed');
      else reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}

/** Connects with the prefix intents when Discord allows them, and without them (slash only) when not. */
export async function connect(
  options: Omit<ClientFactoryOptions, 'messageContent'>,
  token: string,
  logger: Logger,
) {
  const client = createDiscordClient({ ...options, messageContent: true });
  if ((await loginUntilReady(client, token)) === 'ready') return { client, prefixEnabled: true };
  await client.destroy();
  logger.warn(
    'Discord refused the Message Content intent, so the !alex and !plex prefixes are off. Slash commands work. ' +
      'To enable prefixes: Developer Portal → your application → Bot → Privileged Gateway Intents → Message Content Intent.',
  );
  const fallback = createDiscordClient({ ...options, messageContent: false });
  if ((await loginUntilReady(fallback, token)) !== 'ready') throw new Error('Discord refused the connection');
  return { client: fallback, prefixEnabled: false };
}
