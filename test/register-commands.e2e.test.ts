import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSlashDefinition } from '../src/bot/definition.ts';
import { registerCommands } from '../src/bot/register.ts';
import { COMMANDS } from '../src/commands/index.ts';
import { createSilentLogger } from '../src/logger.ts';
import type { Store } from '../src/services/store/index.ts';
import { startHarness } from './helpers/harness.ts';
import type { Harness } from './helpers/harness.ts';

// At start the bot makes Discord's /alex equal to its own (globally, or in DISCORD_GUILD_ID), and remembers
// what Discord accepted so an unchanged bot makes no REST call at all.
describe('commands that register themselves', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());
  afterEach(() => h.discord.commands.clear());

  const route = () => `/applications/${h.discord.applicationId}/commands`;
  const calls = (since: number) =>
    h.discord.requests
      .slice(since)
      .filter((r) => r.path === route())
      .map((r) => r.method);
  const register = (store: Store = h.services.store) =>
    registerCommands(h.bot.client, { config: h.config, store, logger: createSilentLogger() });
  const definition = () => JSON.parse(JSON.stringify(buildSlashDefinition(COMMANDS)));

  it('puts the definition when Discord has none, then makes no call while nothing changed', async () => {
    h.services.store.setSetting('commands:global', 'an older version');
    const before = h.discord.requests.length;
    expect(await register()).toBe('updated');
    expect(calls(before)).toEqual(['GET', 'PUT']);
    const put = h.discord.requests.filter((r) => r.method === 'PUT' && r.path === route()).at(-1);
    expect(put?.json).toEqual([definition()]);

    const again = h.discord.requests.length;
    expect(await register()).toBe('unchanged');
    expect(calls(again)).toEqual([]);
  });

  it('updates an outdated /alex (an upgrade) and leaves a current one alone', async () => {
    const outdated = definition();
    outdated.description = 'Autoalex 0.0.1';
    outdated.options.pop();
    h.discord.commands.set('global', [{ ...outdated, id: '1', version: '1' }]);
    h.services.store.setSetting('commands:global', 'an older version');
    let before = h.discord.requests.length;
    expect(await register()).toBe('updated');
    expect(calls(before)).toEqual(['GET', 'PUT']);

    // Discord's copy as it answers it (ids, versions, false flags left out) counts as current.
    h.services.store.setSetting('commands:global', 'forgotten');
    before = h.discord.requests.length;
    expect(await register()).toBe('current');
    expect(calls(before)).toEqual(['GET']);
  });

  it('registers in DISCORD_GUILD_ID when it is set, remembered apart from the global registration', async () => {
    const config = { ...h.config, discord: { ...h.config.discord, guildId: h.discord.guildId } };
    const guildRoute = `/applications/${h.discord.applicationId}/guilds/${h.discord.guildId}/commands`;
    const before = h.discord.requests.length;
    const logger = createSilentLogger();
    expect(await registerCommands(h.bot.client, { config, store: h.services.store, logger })).toBe('updated');
    const put = h.discord.requests.slice(before).find((r) => r.method === 'PUT');
    expect(put?.path).toBe(guildRoute);
    expect(h.discord.commands.get(h.discord.guildId)?.map((c) => c.name)).toEqual(['alex']);
    expect(await registerCommands(h.bot.client, { config, store: h.services.store, logger })).toBe(
      'unchanged',
    );
  });

  it('still registers when the database cannot be used', async () => {
    const broken = new Proxy({} as Store, {
      get: () => () => {
        throw new Error('SQLITE_CORRUPT');
      },
    });
    const before = h.discord.requests.length;
    expect(await register(broken)).toBe('updated');
    expect(calls(before)).toEqual(['GET', 'PUT']);
  });
});
