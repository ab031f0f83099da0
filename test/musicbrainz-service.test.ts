import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createSilentLogger } from '../src/logger.ts';
import { createServices } from '../src/services/index.ts';
import { createMusicBrainzService } from '../src/services/credits/musicbrainz.ts';
import { MB_RELEASES } from '../fakes/metadata-data.ts';
import { startMusicBrainzFake } from '../fakes/musicbrainz.ts';
import type { MusicBrainzFake } from '../fakes/musicbrainz.ts';

let fake: MusicBrainzFake;
const base = { TAUTULLI_URL: 'http://127.0.0.1:9', TAUTULLI_API_KEY: 'k' };

beforeAll(async () => {
  fake = await startMusicBrainzFake();
});
afterAll(() => fake.close());

/** The service as the bot builds it, from settings only (MUSICBRAINZ_URL, MUSICBRAINZ_RATE_LIMIT). */
function fromSettings(env: Record<string, string>) {
  return createServices(
    loadConfig({ ...base, MUSICBRAINZ_URL: fake.url, ...env }, 'cli'),
    createSilentLogger(),
  ).musicbrainz;
}

async function spacing(rate: string, lookups: number): Promise<number[]> {
  const mb = fromSettings({ MUSICBRAINZ_RATE_LIMIT: rate });
  const first = fake.at.length;
  for (let i = 0; i < lookups; i++) await mb.releaseCredits(MB_RELEASES.kindOfBlue.releaseId);
  const times = fake.at.slice(first);
  return times.slice(1).map((t, i) => t - (times[i] as number));
}

describe('MusicBrainz service', () => {
  it('is reached through MUSICBRAINZ_URL and spaces requests a second apart at 1 request/s', async () => {
    const gaps = await spacing('1', 3);
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(950);
    expect(fake.rateLimited).toEqual([]);
  });

  it('runs a mirror unthrottled with MUSICBRAINZ_RATE_LIMIT=off', async () => {
    const gaps = await spacing('off', 6);
    expect(gaps.reduce((a, b) => a + b, 0)).toBeLessThan(500);
  });

  it('sends the configured identity as User-Agent, also from the older MUSICBRAINZ_USER_AGENT', async () => {
    await fromSettings({
      MUSICBRAINZ_RATE_LIMIT: 'off',
      MUSICBRAINZ_CONTACT: 'me@example.org',
    }).releaseCredits(MB_RELEASES.aLoveSupreme.releaseId);
    expect(fake.requests.at(-1)?.headers['user-agent']).toMatch(
      /^Autoalex\/\d+\.\d+\.\d+ \( me@example\.org \)$/,
    );
    await fromSettings({
      MUSICBRAINZ_RATE_LIMIT: 'off',
      MUSICBRAINZ_USER_AGENT: 'MyBot/2.1 ( ops@example.net )',
    }).releaseCredits(MB_RELEASES.aLoveSupreme.releaseId);
    expect(fake.requests.at(-1)?.headers['user-agent']).toBe('MyBot/2.1 ( ops@example.net )');
  });

  it('answers null for unknown ids and maps failures', async () => {
    const mb = createMusicBrainzService({
      url: fake.url,
      ratePerSecond: null,
      appName: 'Autoalex',
      appVersion: '0.1.0',
      contact: undefined,
      userAgent: undefined,
      timeoutMs: 300,
      logger: createSilentLogger(),
    });
    expect(await mb.releaseCredits('00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await mb.resolveRelease('00000000-0000-4000-8000-000000000000')).toBeNull();
    fake.failure = { kind: 'slow', delayMs: 1000 };
    await expect(mb.releaseCredits(MB_RELEASES.kindOfBlue.releaseId)).rejects.toMatchObject({
      kind: 'timeout',
    });
    fake.failure = { kind: 'down' };
    await expect(mb.releaseCredits(MB_RELEASES.kindOfBlue.releaseId)).rejects.toMatchObject({
      kind: 'unreachable',
    });
    fake.failure = { kind: 'none' };
  });
});
