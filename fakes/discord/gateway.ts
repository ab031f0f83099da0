// The gateway on ws://127.0.0.1:PORT/gateway. discord.js connects with `?v=10&encoding=json` and no
// compression (zlib-sync is not installed), so every frame is plain JSON text.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
} from 'discord-api-types/v10';
import type { ApplicationFlags, GatewayReadyDispatchData } from 'discord-api-types/v10';
import { WebSocket, WebSocketServer } from 'ws';
import { botUser, guildCreate, memberOf } from './guild.ts';
import { people } from './state.ts';
import type { FakeState } from './state.ts';
import type { RecordedPresence } from './types.ts';

interface Session {
  id: string;
  ws: WebSocket | null;
  /** Last sequence number sent; each session counts on its own, as Discord's do. */
  seq: number;
  intents: number;
}

export interface Gateway {
  /** Sends a dispatch to each open, identified session (null from `build` skips one); resolves once written. */
  dispatch(event: GatewayDispatchEvents, build: (intents: number) => unknown): Promise<number>;
  openSessions(): number;
  close(): void;
}

function send(ws: WebSocket, payload: unknown): Promise<void> {
  return new Promise((resolve, reject) =>
    ws.send(JSON.stringify(payload), (err) => (err ? reject(err) : resolve())),
  );
}

type Frame = { op?: unknown; d?: Record<string, unknown> | null };

export function createGateway(
  server: Server,
  state: FakeState,
  identifies: Array<{ intents: number }>,
  presences: RecordedPresence[],
): Gateway {
  const wss = new WebSocketServer({ server, path: '/gateway' });
  const sessions = new Map<string, Session>();
  const { cfg } = state;

  const dispatchTo = (session: Session, t: string, d: unknown): Promise<void> => {
    if (!session.ws || session.ws.readyState !== WebSocket.OPEN) return Promise.resolve();
    session.seq += 1;
    return send(session.ws, { op: GatewayOpcodes.Dispatch, t, s: session.seq, d });
  };

  const identify = async (ws: WebSocket, d: Record<string, unknown>): Promise<Session | null> => {
    const intents = typeof d.intents === 'number' ? d.intents : NaN;
    identifies.push({ intents });
    if (d.token !== cfg.token) {
      ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return null;
    }
    if (!Number.isInteger(intents) || intents < 0) {
      ws.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
      return null;
    }
    if (!cfg.allowMessageContent && intents & GatewayIntentBits.MessageContent) {
      ws.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
      return null;
    }
    const session: Session = { id: randomUUID().replaceAll('-', ''), ws, seq: 0, intents };
    sessions.set(session.id, session);
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: botUser(cfg),
      guilds: [{ id: cfg.guildId, unavailable: true }],
      session_id: session.id,
      resume_gateway_url: `${state.baseUrl.replace(/^http/, 'ws')}/gateway`,
      shard: [0, 1],
      application: { id: cfg.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
    };
    await dispatchTo(session, GatewayDispatchEvents.Ready, ready);
    // READY lists the guild as unavailable; without this GUILD_CREATE, clientReady waits waitGuildTimeout.
    if (intents & GatewayIntentBits.Guilds) {
      await dispatchTo(session, GatewayDispatchEvents.GuildCreate, guildCreate(cfg, people(state)));
    }
    return session;
  };

  const resume = async (ws: WebSocket, d: Record<string, unknown>): Promise<Session | null> => {
    const session = typeof d.session_id === 'string' ? sessions.get(d.session_id) : undefined;
    if (!session || d.token !== cfg.token) {
      await send(ws, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return null;
    }
    if (session.ws && session.ws !== ws) session.ws.terminate();
    session.ws = ws;
    await dispatchTo(session, GatewayDispatchEvents.Resumed, {});
    return session;
  };

  const requestMembers = (session: Session, d: Record<string, unknown>): Promise<void> => {
    const ids = Array.isArray(d.user_ids) ? d.user_ids : typeof d.user_ids === 'string' ? [d.user_ids] : null;
    const query = typeof d.query === 'string' ? d.query.toLowerCase() : '';
    const matches = people(state).filter((p) =>
      ids ? ids.includes(p.user.id) : p.user.username.toLowerCase().startsWith(query),
    );
    const members = matches.map((p) => ({ ...memberOf(p), user: p.user }));
    return dispatchTo(session, GatewayDispatchEvents.GuildMembersChunk, {
      guild_id: cfg.guildId,
      members,
      chunk_index: 0,
      chunk_count: 1,
      not_found: ids ? ids.filter((id) => !matches.some((p) => p.user.id === id)) : [],
      ...(typeof d.nonce === 'string' ? { nonce: d.nonce } : {}),
    });
  };

  wss.on('connection', (ws) => {
    let session: Session | null = null;
    ws.on('close', () => {
      if (session?.ws === ws) session.ws = null;
    });
    ws.on('message', (raw: Buffer) => {
      let frame: Frame;
      try {
        frame = JSON.parse(raw.toString('utf8')) as Frame;
      } catch {
        ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
        return;
      }
      const d = frame.d ?? {};
      const handle = async (): Promise<void> => {
        if (frame.op === GatewayOpcodes.Heartbeat) {
          await send(ws, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        } else if (frame.op === GatewayOpcodes.Identify || frame.op === GatewayOpcodes.Resume) {
          if (session) {
            ws.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
            return;
          }
          session = frame.op === GatewayOpcodes.Identify ? await identify(ws, d) : await resume(ws, d);
        } else if (frame.op === GatewayOpcodes.RequestGuildMembers) {
          if (!session) ws.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
          else await requestMembers(session, d);
        } else if (frame.op === GatewayOpcodes.PresenceUpdate) {
          if (!session) ws.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
          else presences.push({ ...(d as Omit<RecordedPresence, 'at'>), at: Date.now() });
        }
        // Voice state updates need no answer; neither do presence updates (only recorded above).
      };
      handle().catch(() => ws.terminate());
    });
    void send(ws, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: cfg.heartbeatIntervalMs },
      s: null,
      t: null,
    }).catch(() => ws.terminate());
  });

  return {
    async dispatch(event, build) {
      const sends: Array<Promise<void>> = [];
      for (const session of sessions.values()) {
        if (!session.ws || session.ws.readyState !== WebSocket.OPEN) continue;
        const d = build(session.intents);
        if (d !== null) sends.push(dispatchTo(session, event, d));
      }
      await Promise.all(sends);
      return sends.length;
    },
    openSessions() {
      return [...sessions.values()].filter((s) => s.ws?.readyState === WebSocket.OPEN).length;
    },
    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
