import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { plexCheck, tautulliCheck } from '../src/services/upstream-checks.ts';
import { LEAN_PAGE_SIZE } from '../src/services/plex/client.ts';
import { generateLibrary } from '../fakes/library.ts';
import { FAKE_TAUTULLI_API_KEY } from '../fakes/tautulli.ts';
import type { Library } from '../fakes/library.ts';
import type { RecordedRequest } from '../fakes/discord/index.ts';
import { startHarness } from './helpers/harness.ts';
import type { Harness } from './helpers/harness.ts';

// Issue 15 items 3 and 16: an upstream that sends its headers and then stalls or drips its body must cost
// the user UPSTREAM_TIMEOUT (2 s in the harness), not minutes, and read as a timeout; a 5xx in the middle
// of a paged walk reads as a server error. Every fault is made by the local fakes' real HTTP servers.

const OWNER = { id: '400000000000000001', username: 'alexd', admin: true };
const TIMEOUT_TEXT = (name: string) =>
  `${name} did not answer within 2 s. It may be busy; try again in a moment.`;

/** The bot's reply to a prefix command, and how long it took. */
async function prefix(h: Harness, content: string): Promise<{ text: string; ms: number }> {
  const started = performance.now();
  const sent = await h.discord.userMessage(content, { user: OWNER });
  const reply: RecordedRequest = await h.discord.waitForRequest(
    (r) => r.json?.message_reference?.message_id === sent.id,
    20_000,
  );
  return { text: String(reply.json.content), ms: performance.now() - started };
}

/** A library bigger than one index page of tracks (2,500), so the walk has a second page. */
function twoPageLibrary(): Library {
  const lib = generateLibrary({ artists: 200, albumsPerArtist: [2, 4], tracksPerAlbum: [6, 12], seed: 5 });
  expect(lib.tracks.length).toBeGreaterThan(LEAN_PAGE_SIZE);
  return lib;
}

describe('Tautulli stuck in the body', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());
  beforeEach(() => {
    h.tautulli.failure = { kind: 'none' };
  });

  it.each([
    ['drips its answer a byte at a time', { kind: 'drip', intervalMs: 200 } as const],
    ['sends the headers and half the body, then nothing', { kind: 'stall-body' } as const],
  ])('when Tautulli %s, usage says it did not answer within the timeout', async (_name, failure) => {
    h.tautulli.failure = failure;
    const reply = await prefix(h, '!alex usage');
    expect(reply.text).toBe(TIMEOUT_TEXT('Tautulli'));
    expect(reply.ms).toBeLessThan(3500);
  });
});

describe('Plex stuck in the body, or failing in the middle of a walk', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      library: generateLibrary({ artists: 30, albumsPerArtist: [1, 3], tracksPerAlbum: [3, 8], seed: 9 }),
    });
    await h.services.library.ready();
  });
  afterAll(() => h.stop());
  beforeEach(() => {
    h.plex!.failureFor = undefined;
  });

  it.each([
    ['stalls after the headers', { kind: 'stall-body' } as const],
    ['drips its answer', { kind: 'drip', intervalMs: 200, bytes: 8 } as const],
  ])('when Plex %s, completion says Plex did not answer within the timeout', async (_name, failure) => {
    h.plex!.failureFor = (req) => (req.path.startsWith('/library/metadata/') ? failure : undefined);
    const reply = await prefix(h, '!alex completion Skrillex user:all');
    expect(reply.text).toBe(TIMEOUT_TEXT('Plex'));
    expect(reply.ms).toBeLessThan(3500);
  });
});

describe('the first library index build', () => {
  it('a 503 on the second page reads as a server error, not as an answer Autoalex could not understand', async () => {
    const h = await startHarness({ library: twoPageLibrary() });
    try {
      h.plex!.failureFor = (req) =>
        req.path.endsWith('/all') && req.query['X-Plex-Container-Start'] === String(LEAN_PAGE_SIZE)
          ? {
              kind: 'status',
              status: 503,
              body: '<html>Service Unavailable</html>',
              contentType: 'text/html',
            }
          : undefined;
      const reply = await prefix(h, '!alex completion Skrillex user:all');
      expect(reply.text).toBe(
        'Plex answered with a server error (HTTP 503). It may be starting up or overloaded; try again in a moment.',
      );
    } finally {
      await h.stop();
    }
  });

  it('on a Plex that drips the library, commands answer within the timeout instead of waiting for it', async () => {
    const h = await startHarness({ library: twoPageLibrary() });
    try {
      h.plex!.failureFor = (req) =>
        req.path.endsWith('/all') ? { kind: 'drip', intervalMs: 100, bytes: 16 } : undefined;
      const reply = await prefix(h, '!alex completion Skrillex user:all');
      expect(reply.text).toBe(TIMEOUT_TEXT('Plex'));
      expect(reply.ms).toBeLessThan(3500);
    } finally {
      await h.stop();
    }
  });

  it('while a slow but steady build runs, commands answer that the library is still loading', async () => {
    const h = await startHarness({ library: twoPageLibrary() });
    try {
      // Each page comes within the timeout, but the build needs several of them.
      h.plex!.failureFor = (req) => (req.path.endsWith('/all') ? { kind: 'slow', delayMs: 1500 } : undefined);
      const reply = await prefix(h, '!alex completion Skrillex user:all');
      expect(reply.text).toMatch(
        /^The library is still loading from Plex \(\d[\d,]* items so far\)\. Try again in a minute\.$/,
      );
      expect(reply.ms).toBeLessThan(4500);
      // The build went on in the background: once it is done, the same command answers.
      h.plex!.failureFor = undefined;
      await h.services.library.ready();
      expect((await prefix(h, '!alex completion Skrillex user:all')).text).not.toMatch(/still loading/);
    } finally {
      await h.stop();
    }
  });
});

// Issue 15 item 8: a 150 MB activity or allLeaves held the event loop for seconds and pushed RSS to ~800 MB.
describe('huge answers', () => {
  let h: Harness;
  beforeAll(async () => {
    // A generous timeout: these answers must be refused for their size, not for their time.
    h = await startHarness({
      library: generateLibrary({ artists: 30, albumsPerArtist: [1, 3], tracksPerAlbum: [3, 8], seed: 9 }),
      env: { UPSTREAM_TIMEOUT: '20' },
    });
    await h.services.library.ready();
  });
  afterAll(() => h.stop());

  const FLOOD = { kind: 'flood', bytes: 150 * 1024 * 1024 } as const;

  it('a 150 MB activity from Tautulli is refused at 8 MB with words saying so', async () => {
    h.tautulli.failureFor = (req) => (req.query.cmd === 'get_activity' ? FLOOD : undefined);
    try {
      const reply = await prefix(h, '!alex usage');
      expect(reply.text).toBe(
        'Tautulli sent more than 8 MB for one request, more than Autoalex accepts. An admin can find which request in the logs.',
      );
      expect(reply.ms).toBeLessThan(3000);
      expect(h.logs()).toMatch(/"cmd":"get_activity".*answer to get_activity over 8388608 bytes/);
    } finally {
      h.tautulli.failureFor = undefined;
    }
  });

  it("a 150 MB page of an artist's tracks from Plex is refused at 32 MB with words saying so", async () => {
    h.plex!.failureFor = (req) => (req.path.startsWith('/library/metadata/') ? FLOOD : undefined);
    try {
      const reply = await prefix(h, '!alex completion Skrillex user:all');
      expect(reply.text).toBe(
        'Plex sent more than 32 MB for one request, more than Autoalex accepts. An admin can find which request in the logs.',
      );
      expect(reply.ms).toBeLessThan(6000);
    } finally {
      h.plex!.failureFor = undefined;
    }
  });
});

describe('the start-up checks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      library: generateLibrary({ artists: 5, albumsPerArtist: [1, 2], tracksPerAlbum: [3, 4], seed: 9 }),
    });
  });
  afterAll(() => h.stop());

  it('name a body that stalls after the headers as no answer in time, not as some other server', async () => {
    h.plex!.failure = { kind: 'stall-body' };
    h.tautulli.failure = { kind: 'stall-body' };
    const host = (url: string) => new URL(url).host;
    await expect(plexCheck(h.plex!.url, h.plex!.token, 500).run()).rejects.toThrow(
      `${host(h.plex!.url)} did not answer in time`,
    );
    await expect(tautulliCheck(h.tautulli.url, FAKE_TAUTULLI_API_KEY, 500).run()).rejects.toThrow(
      `${host(h.tautulli.url)} did not answer in time`,
    );
  });
});
