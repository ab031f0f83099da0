import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../src/logger.ts';
import { createDiscogsService } from '../src/services/credits/discogs.ts';
import { FAKE_DISCOGS_TOKEN, startDiscogsFake } from '../fakes/discogs.ts';
import type { DiscogsFake } from '../fakes/discogs.ts';

let fake: DiscogsFake;
beforeAll(async () => {
  fake = await startDiscogsFake({ enforceRateLimit: true, rateLimit: { authenticated: 2, windowMs: 1000 } });
});
afterAll(() => fake.close());

/** `null` = no token (undefined would pick the default). */
const service = (token: string | null = FAKE_DISCOGS_TOKEN, timeoutMs = 3000) =>
  createDiscogsService({
    url: fake.url,
    token: token ?? undefined,
    userAgent: 'Autoalex/test',
    timeoutMs,
    logger: createSilentLogger(),
  });

describe('Discogs service', () => {
  it('backs off and retries when Discogs answers 429, and every lookup still succeeds', async () => {
    const discogs = service();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await discogs.releaseCredits(9900002));
    expect(results.every((r) => r?.trackCount === 5)).toBe(true);
    expect(fake.throttled.length).toBeGreaterThan(0);
  });

  it('does not search without a token (Discogs requires one) and answers null for unknown releases', async () => {
    expect(await service(null).searchRelease('Miles Davis', 'Kind of Blue')).toBeNull();
    expect(await service().releaseCredits(123456789)).toBeNull();
  });

  it('gives up at its timeout when Discogs sends the headers and then drips the body', async () => {
    fake.failure = { kind: 'drip', intervalMs: 50 };
    try {
      const started = performance.now();
      await expect(service(FAKE_DISCOGS_TOKEN, 500).releaseCredits(9900002)).rejects.toMatchObject({
        kind: 'timeout',
        userText: 'Discogs did not answer within 0.5 s. It may be busy; try again in a moment.',
      });
      expect(performance.now() - started).toBeLessThan(1500);
    } finally {
      fake.failure = { kind: 'none' };
    }
  });
});
