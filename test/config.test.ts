import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const SECRET_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.secret-discord-token-value';
const VALID = {
  DISCORD_TOKEN: SECRET_TOKEN,
  TAUTULLI_URL: 'http://tower:8181/',
  TAUTULLI_API_KEY: '0123456789abcdef0123456789abcdef',
};

function problems(
  env: Record<string, string>,
  mode: 'bot' | 'cli' | 'deploy' | 'worker' = 'bot',
): ConfigError {
  try {
    loadConfig(env, mode);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(VALID);
    expect(config.tautulli.url).toBe('http://tower:8181');
    expect(config.discord.prefixes).toEqual(['!alex', '!plex']);
    expect(config.plex.containerName).toBe('binhex-plexpass');
    expect(config.plex.pollIntervalS).toBe(30);
    expect(config.dataDir).toBe('/config');
    expect(config.musicbrainz.appName).toBe('Autoalex');
    expect(config.upstreamTimeoutMs).toBe(10_000);
  });

  it('lists every problem at once, by name, without echoing any value', () => {
    const error = problems({
      DISCORD_TOKEN: SECRET_TOKEN,
      TAUTULLI_URL: 'tower:8181 with spaces',
      PLEX_POLL_INTERVAL: 'often',
      PLEX_URL: 'http://tower:32400',
      DISCORD_GUILD_ID: 'my-server',
      LOG_LEVEL: 'loud',
    });
    expect(error.problems).toHaveLength(6);
    expect(error.message).toMatch(/TAUTULLI_URL must be an http/);
    expect(error.message).toMatch(/TAUTULLI_API_KEY is required/);
    expect(error.message).toMatch(/PLEX_POLL_INTERVAL must be a number/);
    expect(error.message).toMatch(/PLEX_URL and PLEX_TOKEN must be set together/);
    expect(error.message).toMatch(/DISCORD_GUILD_ID must be a Discord id/);
    expect(error.message).toMatch(/LOG_LEVEL/);
    for (const value of [SECRET_TOKEN, 'tower:8181 with spaces', 'often', 'my-server', 'loud']) {
      expect(error.message).not.toContain(value);
    }
  });

  it('reports a missing token when nothing is set', () => {
    expect(problems({}).message).toMatch(/DISCORD_TOKEN is required/);
  });

  it('treats empty lines from .env files as unset', () => {
    const config = loadConfig({ ...VALID, PLEX_POLL_INTERVAL: '', DISCORD_GUILD_ID: '  ' });
    expect(config.plex.pollIntervalS).toBe(30);
    expect(config.discord.guildId).toBeUndefined();
  });

  it('needs only the Discord application for deploy-commands, and no Discord token for the CLI', () => {
    expect(() =>
      loadConfig({ DISCORD_TOKEN: 'x', DISCORD_CLIENT_ID: '123456789012345678' }, 'deploy'),
    ).not.toThrow();
    expect(problems({ DISCORD_TOKEN: 'x' }, 'deploy').message).toMatch(/DISCORD_CLIENT_ID is required/);
    expect(() => loadConfig({ TAUTULLI_URL: 'http://t:8181', TAUTULLI_API_KEY: 'k' }, 'cli')).not.toThrow();
  });

  it('parses custom prefixes and rejects intervals out of range', () => {
    expect(loadConfig({ ...VALID, COMMAND_PREFIXES: '!Alex, ?plex' }).discord.prefixes).toEqual([
      '!alex',
      '?plex',
    ]);
    expect(problems({ ...VALID, PLEX_POLL_INTERVAL: '0' }).message).toMatch(
      /PLEX_POLL_INTERVAL must be at least 1/,
    );
    expect(problems({ ...VALID, DOCKER_HOST: '/var/run/docker.sock' }).message).toMatch(
      /DOCKER_HOST must look like/,
    );
  });

  it('keeps the public MusicBrainz server at 1 request/s and lets a mirror go faster or unthrottled', () => {
    expect(loadConfig(VALID).musicbrainz).toMatchObject({ url: 'https://musicbrainz.org', ratePerSecond: 1 });
    for (const rate of ['5', 'off']) {
      expect(problems({ ...VALID, MUSICBRAINZ_RATE_LIMIT: rate }).message).toMatch(
        /MUSICBRAINZ_RATE_LIMIT can only be raised or turned off for a self-hosted mirror/,
      );
    }
    const mirror = { ...VALID, MUSICBRAINZ_URL: 'http://192.168.1.10:5000' };
    expect(loadConfig({ ...mirror, MUSICBRAINZ_RATE_LIMIT: 'off' }).musicbrainz.ratePerSecond).toBeNull();
    expect(loadConfig({ ...mirror, MUSICBRAINZ_RATE_LIMIT: '20' }).musicbrainz.ratePerSecond).toBe(20);
    expect(problems({ ...VALID, MUSICBRAINZ_RATE_LIMIT: 'fast' }).message).toMatch(
      /MUSICBRAINZ_RATE_LIMIT must be requests per second/,
    );
  });

  it('keeps the secret values for the logger to scrub', () => {
    expect(
      loadConfig({ ...VALID, PLEX_URL: 'http://p:32400', PLEX_TOKEN: 'plex-token-123' }).secrets,
    ).toEqual([SECRET_TOKEN, 'plex-token-123', VALID.TAUTULLI_API_KEY]);
  });

  it('asks a remix worker only for the queue and Plex, and refuses a queue URL that is not Redis', () => {
    const worker = {
      REMIX_QUEUE_URL: 'redis://tower:6379',
      PLEX_URL: 'http://p:32400',
      PLEX_TOKEN: 'plex-token-123',
    };
    const config = loadConfig(worker, 'worker');
    expect(config.remix.queueUrl).toBe('redis://tower:6379');
    expect(config.remix.workerLockMs).toBe(30_000);
    expect(problems({}, 'worker').problems).toEqual([
      'REMIX_QUEUE_URL is required but not set',
      'PLEX_URL is required but not set',
      'PLEX_TOKEN is required but not set',
    ]);
    expect(problems({ ...VALID, REMIX_QUEUE_URL: 'http://tower:6379' }).problems).toEqual([
      'REMIX_QUEUE_URL must be a redis:// or rediss:// URL',
    ]);
    expect(loadConfig(VALID).remix.queueUrl).toBeUndefined();
  });

  it("scrubs the queue URL's password like a token", () => {
    const config = loadConfig({ ...VALID, REMIX_QUEUE_URL: 'redis://:s%40cret-pass@tower:6379' });
    expect(config.secrets).toEqual(expect.arrayContaining(['s%40cret-pass', 's@cret-pass']));
  });
});
