import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamError } from '../src/errors.ts';
import { createTautulliService } from '../src/services/tautulli/client.ts';
import { captureLogger } from './helpers/logs.ts';
import { docstringActivity, fixtureActivity, sampleActivity } from '../fakes/tautulli-sessions.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';
import type { TautulliFake } from '../fakes/tautulli.ts';

let fake: TautulliFake;
const { logger, text: logText } = captureLogger([FAKE_TAUTULLI_API_KEY]);

function service(options: { apiKey?: string; timeoutMs?: number; baseUrl?: string } = {}) {
  return createTautulliService({
    baseUrl: options.baseUrl ?? fake.url,
    apiKey: options.apiKey ?? FAKE_TAUTULLI_API_KEY,
    timeoutMs: options.timeoutMs ?? 2000,
    logger,
  });
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

beforeAll(async () => {
  fake = await startTautulliFake();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.failure = { kind: 'none' };
  fake.activity = fixtureActivity() as TautulliFake['activity'];
});

describe('Tautulli service', () => {
  it('reads the real get_activity capture with its string-typed numbers', async () => {
    const activity = await service().getActivity();
    expect(activity.streamCount).toBe(1);
    expect(activity.totalBandwidthKbps).toBe(fixtureActivity().total_bandwidth);
    const [session] = activity.sessions;
    expect(session).toMatchObject({
      user: 'user1',
      mediaType: 'episode',
      fullTitle: 'What If…? Ultron Won',
      transcodeDecision: 'direct play',
      progressPercent: 53,
      player: 'AFTMM',
      product: 'Plex for Android (TV)',
      state: 'playing',
      thumb: '/library/metadata/27615/thumb/1608869467',
    });
    expect(fake.requests.at(-1)?.query).toMatchObject({ cmd: 'get_activity', apikey: FAKE_TAUTULLI_API_KEY });
  });

  it('reads the docstring example and music sessions with album art and transcode reasons', async () => {
    fake.activity = sampleActivity() as TautulliFake['activity'];
    const { sessions } = await service().getActivity();
    expect(sessions.map((s) => s.user)).toEqual([
      'Alex',
      'Sam',
      docstringActivity().sessions[0]?.friendly_name,
    ]);
    expect(sessions[0]).toMatchObject({
      mediaType: 'track',
      grandparentTitle: 'Skrillex',
      thumb: '/library/metadata/157/thumb/1579520116',
    });
    expect(sessions[1]?.transcodeReasons).toEqual(['audio flac → mp3', 'container flac → mp3']);
  });

  it('reports an idle server as no sessions', async () => {
    fake.activity = { ...fake.activity, stream_count: '0', sessions: [] };
    expect((await service().getActivity()).sessions).toEqual([]);
  });

  it('maps a wrong API key (400 "Invalid apikey" on current Tautulli) to unauthorized', async () => {
    const error = await failure(service({ apiKey: 'f'.repeat(32) }).getActivity());
    expect(error.kind).toBe('unauthorized');
  });

  it('maps the older 401 answer to unauthorized too', async () => {
    fake.legacyAuthStatus = true;
    try {
      expect((await failure(service({ apiKey: 'f'.repeat(32) }).getActivity())).kind).toBe('unauthorized');
    } finally {
      fake.legacyAuthStatus = false;
    }
  });

  it.each([
    ['a server error', { kind: 'status', status: 500, body: 'boom' } as const, 'bad_response'],
    ['a non-JSON body', { kind: 'malformed' } as const, 'bad_response'],
    ['a cut connection', { kind: 'down' } as const, 'unreachable'],
    ['a disabled API (404)', { kind: 'status', status: 404 } as const, 'not_found'],
  ])('maps %s to %s', async (_name, mode, kind) => {
    fake.failure = mode;
    expect((await failure(service().getActivity())).kind).toBe(kind);
  });

  it('gives up after the timeout when Tautulli is slow', async () => {
    fake.failure = { kind: 'slow', delayMs: 1500 };
    const started = Date.now();
    expect((await failure(service({ timeoutMs: 200 }).getActivity())).kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1200);
  });

  it('maps a refused connection to unreachable', async () => {
    const closed = await startTautulliFake();
    const url = closed.url;
    await closed.close();
    expect((await failure(service({ baseUrl: url }).getActivity())).kind).toBe('unreachable');
  });

  it('rejects an envelope with result "error" as a bad response', async () => {
    await expect(service().terminateSession('no-such-session', 'bye')).rejects.toMatchObject({
      kind: 'bad_response',
    });
  });

  it('terminates a session with the message the viewer will see', async () => {
    fake.activity = sampleActivity() as TautulliFake['activity'];
    await service().terminateSession('a1b2c3d4e5f6g7h8i9j0k1l2', 'Maintenance');
    expect(fake.terminated.at(-1)).toEqual({ sessionId: 'a1b2c3d4e5f6g7h8i9j0k1l2', message: 'Maintenance' });
  });

  it('fetches images through the proxy and returns null instead of failing', async () => {
    const image = await service().getImage('/library/metadata/157/thumb/1', { width: 160, height: 160 });
    expect(image?.subarray(1, 4).toString('latin1')).toBe('PNG');
    fake.failure = { kind: 'down' };
    expect(await service().getImage('/library/metadata/157/thumb/1', { width: 160, height: 160 })).toBeNull();
  });

  it('never writes the API key into its logs', async () => {
    await service({ apiKey: 'f'.repeat(32) })
      .getActivity()
      .catch(() => undefined);
    fake.failure = { kind: 'status', status: 500 };
    await service()
      .getActivity()
      .catch(() => undefined);
    const logs = logText();
    expect(logs).toContain('tautulli call failed');
    expect(logs).not.toContain(FAKE_TAUTULLI_API_KEY);
  });
});
