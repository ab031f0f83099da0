import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../src/logger.ts';
import { scrubSecrets } from '../src/logger.ts';
import { captureLogger } from './helpers/logs.ts';
import { startHarness } from './helpers/harness.ts';

describe('secrets', () => {
  it('never appear in logs, replies or anything the bot sends, even when upstreams fail', async () => {
    const plexToken = 'xPlexT0kenAbCdEf12345';
    const h = await startHarness({
      env: { PLEX_URL: 'http://10.0.0.5:32400', PLEX_TOKEN: plexToken, LOG_LEVEL: 'trace' },
      discord: { token: 'MTE4NzY1NDMyMTAxMjM0NTY3OA.GaBcDe.Zz9yXx8wVv7uUt6sSr5qQp4oOn3mMl2kKj1' },
    });
    try {
      const secrets = [h.config.discord.token as string, h.config.tautulli.apiKey as string, plexToken];
      const user = { id: '300000000000000001', username: 'owner', admin: true };
      await h.discord.slashCommand({ name: 'alex', subcommand: 'usage', user });
      h.tautulli.failure = {
        kind: 'status',
        status: 500,
        body: `error for apikey=${h.config.tautulli.apiKey}`,
      };
      const failing = await h.discord.slashCommand({ name: 'alex', subcommand: 'usage', user });
      await h.discord.waitForRequest((r) => r.method === 'POST' && r.path.includes(failing.token));
      h.tautulli.failure = { kind: 'down' };
      const sent = await h.discord.userMessage('!alex usage', { user });
      await h.discord.waitForRequest((r) => r.json?.message_reference?.message_id === sent.id);
      h.bot.client.emit(
        'error',
        new Error(`socket hang up http://10.0.0.5:32400/identity?X-Plex-Token=${plexToken}`),
      );

      const logs = h.logs();
      expect(logs).toContain('tautulli call failed');
      expect(logs).toContain('[redacted]');
      const bodies = h.discord.requests.map(
        (r) => JSON.stringify(r.json ?? null) + r.files.map((f) => f.data.toString('latin1')).join(''),
      );
      for (const secret of secrets) {
        expect(logs).not.toContain(secret);
        for (const body of bodies) expect(body).not.toContain(secret);
      }
    } finally {
      await h.stop();
    }
  });

  it('scrubs credentials from URLs and text even when the value is not a known secret', () => {
    expect(scrubSecrets('GET http://tautulli:8181/api/v2?apikey=abc123&cmd=get_activity', [])).toBe(
      'GET http://tautulli:8181/api/v2?apikey=[redacted]&cmd=get_activity',
    );
    expect(scrubSecrets('http://user:hunter2@plex:32400/x?X-Plex-Token=tok', [])).toBe(
      'http://[redacted]@plex:32400/x?X-Plex-Token=[redacted]',
    );
    expect(scrubSecrets('Authorization: Bot MTIzNDU2Nzg5MDEyMzQ1Njc4.abc.def', [])).toBe(
      'Authorization: Bot [redacted]',
    );
  });

  it('redacts credential fields of logged objects', () => {
    const { logger, text } = captureLogger([]);
    logger.info({ headers: { authorization: 'Bot abc', 'x-plex-token': 'tok' }, apiKey: 'k' }, 'request');
    expect(text()).not.toMatch(/Bot abc|"tok"|"k"/);
    expect(createSilentLogger().level).toBe('silent');
  });
});

describe('without the Message Content intent', () => {
  it('warns clearly, keeps slash commands working, and ignores prefix messages', async () => {
    const h = await startHarness({ discord: { allowMessageContent: false } });
    try {
      expect(h.bot.prefixEnabled).toBe(false);
      expect(h.logs()).toContain('Discord refused the Message Content intent');
      expect(h.discord.identifies.map((i) => (i.intents & (1 << 15)) !== 0)).toEqual([true, false]);
      const interaction = await h.discord.slashCommand({ name: 'alex', subcommand: 'help' });
      const callback = await h.discord.waitForCallback(interaction.id);
      expect(callback.json.data.embeds[0].title).toMatch(/^Autoalex/);
      const since = h.discord.requests.length;
      await h.discord.userMessage('!alex usage');
      const probe = await h.discord.slashCommand({ name: 'alex', subcommand: 'help' });
      await h.discord.waitForCallback(probe.id);
      expect(h.discord.requests.slice(since).filter((r) => r.path.startsWith('/channels/'))).toEqual([]);
    } finally {
      await h.stop();
    }
  });
});
