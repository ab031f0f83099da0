import { hostOf, networkCause } from '../net-errors.ts';

/**
 * Why the bot could not log in, in words: a refused token says so; a network failure names the host and
 * the cause (DNS, refused, timeout, TLS) instead of sending people to check a token that is fine.
 */
export function discordLoginProblem(error: unknown, apiUrl: string | undefined): string {
  const e = error as { code?: unknown; status?: unknown } | null;
  if (e?.code === 'TokenInvalid' || e?.status === 401)
    return 'Discord refused the bot token: is DISCORD_TOKEN right (Developer Portal → Bot → Reset Token)?';
  const host = apiUrl ? hostOf(apiUrl) : 'discord.com';
  const cause = networkCause(error, host);
  if (cause) return `could not connect to Discord: ${cause}`;
  if (e?.code === 'DisallowedIntents')
    return 'Discord refused the requested intents: enable them in the Developer Portal (see the README)';
  return 'could not connect to Discord (see the error below; if it mentions 401, check DISCORD_TOKEN)';
}
