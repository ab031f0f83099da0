import type { ServerResponse } from 'node:http';
import { sendJson, startHttpFake } from './http-fake.ts';
import type { HttpFake, RecordedHttpRequest } from './http-fake.ts';
import { solidPng } from './png.ts';
import { fixtureActivity } from './tautulli-sessions.ts';

export const FAKE_TAUTULLI_API_KEY = '0123456789abcdef0123456789abcdef';

export interface TautulliFake extends HttpFake {
  /** `get_activity` data; tests replace it to change what is playing. */
  activity: Record<string, unknown> & { sessions: Array<Record<string, unknown>> };
  /** Every terminate_session call, in order. */
  readonly terminated: Array<{ sessionId: string; message: string }>;
  /** Answer like Tautulli ≤ 2.10.4 (401) instead of current (400) for a wrong key. */
  legacyAuthStatus: boolean;
}

function envelope(
  res: ServerResponse,
  status: number,
  result: 'success' | 'error',
  message: string | null,
  data: unknown,
) {
  sendJson(res, status, { response: { result, message, data } });
}

/**
 * A Tautulli API v2 fake: checks the apikey and cmd like api2.py (wrong key → 400 "Invalid apikey";
 * unknown cmd → 400 listing nothing useful), serves the real fixture activity by default, keeps state
 * for terminate_session and serves images for pms_image_proxy.
 */
export async function startTautulliFake(apiKey = FAKE_TAUTULLI_API_KEY): Promise<TautulliFake> {
  const state = {
    activity: fixtureActivity() as TautulliFake['activity'],
    terminated: [] as TautulliFake['terminated'],
    legacyAuthStatus: false,
  };
  const handle = (req: RecordedHttpRequest, res: ServerResponse) => {
    if (req.path !== '/api/v2') return sendJson(res, 404, { error: 'not found' });
    if (req.query.apikey !== apiKey) {
      return envelope(res, state.legacyAuthStatus ? 401 : 400, 'error', 'Invalid apikey', null);
    }
    switch (req.query.cmd) {
      case 'get_activity':
        return envelope(res, 200, 'success', null, state.activity);
      case 'terminate_session': {
        const sessionId = req.query.session_id ?? '';
        const before = state.activity.sessions.length;
        state.activity.sessions = state.activity.sessions.filter((s) => s.session_id !== sessionId);
        if (state.activity.sessions.length === before) {
          return envelope(res, 400, 'error', 'No session found to terminate.', null);
        }
        state.terminated.push({ sessionId, message: req.query.message ?? '' });
        state.activity.stream_count = String(state.activity.sessions.length);
        return envelope(res, 200, 'success', null, null);
      }
      case 'pms_image_proxy': {
        const img = req.query.img ?? '';
        if (!img.startsWith('/library/metadata/'))
          return envelope(res, 400, 'error', 'No image input received.', null);
        const seed = [...img].reduce((n, c) => (n * 31 + c.charCodeAt(0)) & 0xffffff, 7);
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(solidPng(16, 16, [seed & 0xff, (seed >> 8) & 0xff, (seed >> 16) & 0xff]));
        return;
      }
      default:
        return envelope(res, 400, 'error', 'Unknown command: ' + (req.query.cmd ?? ''), null);
    }
  };
  const fake = await startHttpFake(handle);
  return Object.defineProperties(fake, {
    activity: {
      get: () => state.activity,
      set: (value: TautulliFake['activity']) => (state.activity = value),
      enumerable: true,
    },
    terminated: { get: () => state.terminated, enumerable: true },
    legacyAuthStatus: {
      get: () => state.legacyAuthStatus,
      set: (v: boolean) => (state.legacyAuthStatus = v),
      enumerable: true,
    },
  }) as TautulliFake;
}
