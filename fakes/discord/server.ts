// One HTTP server on 127.0.0.1 carries REST (/api/v10/...) and the gateway (/gateway). Every REST call is
// recorded before its answer is written, so a test that awaited the bot's call always finds it recorded.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayDispatchEvents, GatewayIntentBits } from 'discord-api-types/v10';
import type { GatewayMessageCreateDispatchData } from 'discord-api-types/v10';
import { parseBody, readRaw } from './body.ts';
import { createGateway } from './gateway.ts';
import type { Gateway } from './gateway.ts';
import { resolveConfig } from './guild.ts';
import { interactionRoutes } from './interactions.ts';
import { DiscordError } from './limits.ts';
import {
  autocompleteInteraction,
  componentInteraction,
  modalSubmitInteraction,
  slashInteraction,
  userMessagePayload,
} from './payloads.ts';
import type { BuiltInteraction } from './payloads.ts';
import { channelHistoryRoutes } from './channel-history.ts';
import { botRoutes, matchRoute } from './rest.ts';
import type { RouteResult } from './rest.ts';
import { createState, fakeNow } from './state.ts';
import type { FakeState } from './state.ts';
import type { FakeDiscord, FakeDiscordOptions, RecordedFile, RecordedPresence } from './types.ts';

const PREFIX = '/api/v10';
const routes = [...botRoutes, ...channelHistoryRoutes, ...interactionRoutes];

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // malformed %-escape: keep it raw so the request is still recorded (as unhandled)
  }
}

/** Requests whose answer the fake withholds after doing what they ask (see FakeDiscord.loseAnswer). */
type LoseAnswer = FakeDiscord['loseAnswer'];

async function handle(
  state: FakeState,
  req: IncomingMessage,
  res: ServerResponse,
  loseAnswer: () => LoseAnswer,
): Promise<void> {
  const at = fakeNow(state);
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const raw = await readRaw(req);
  const auth = req.headers.authorization ?? null;
  // discord.js percent-encodes path segments (`@original` arrives as `%40original`): match decoded ones.
  const rest = url.pathname.startsWith(`${PREFIX}/`) ? url.pathname.slice(PREFIX.length) : null;
  const segments = (rest ?? url.pathname).split('/').filter(Boolean).map(decodeSegment);
  const path = `/${segments.join('/')}`;
  const match = rest === null ? null : matchRoute(routes, method, segments);
  let json: unknown = null;
  let files: RecordedFile[] = [];
  const query = Object.fromEntries(url.searchParams);
  let result: RouteResult;
  try {
    ({ json, files } = await parseBody(req.headers['content-type'], raw));
    const failure = rest === null ? undefined : state.failureFor?.({ method, path });
    if (failure?.kind === 'hang') {
      // Recorded as status 0: the request arrived, and its answer never will (the socket stays open).
      state.recorder.record({ method, path, query, auth, status: 0, json, files, at }, match !== null);
      return;
    }
    if (failure) throw new DiscordError(failure.status, `${failure.status}: Internal Server Error`, 0);
    if (!match) throw new DiscordError(404, '404: Not Found', 0);
    if (match.route.bot && auth !== `Bot ${state.cfg.token}`)
      throw new DiscordError(401, '401: Unauthorized', 0);
    result = await match.route.handle({ state, params: match.params, query, json, files, at });
  } catch (error) {
    // Unexpected exceptions are fake bugs: answer 500 (discord.js retries those unless retries: 0).
    result =
      error instanceof DiscordError
        ? { status: error.status, body: error.body }
        : { status: 500, body: { message: `fake-discord: ${String(error)}`, code: 0 } };
  }
  state.recorder.record(
    { method, path, query, auth, status: result.status, json, files, at },
    match !== null,
  );
  // Done, and recorded, but the answer never leaves: the client waits until its own timeout.
  if (loseAnswer()?.({ method, path, status: result.status })) return;
  if (result.body === undefined) {
    res.writeHead(result.status).end();
    return;
  }
  res.writeHead(result.status, { 'content-type': 'application/json' }).end(JSON.stringify(result.body));
}

async function sendInteraction(state: FakeState, gateway: Gateway, built: BuiltInteraction) {
  if (gateway.openSessions() === 0)
    throw new Error('fake-discord: no identified gateway session to deliver to');
  state.interactions.set(built.record.id, built.record);
  // The ack deadline and token lifetime run from delivery, as on Discord.
  built.record.createdAt = fakeNow(state);
  await gateway.dispatch(GatewayDispatchEvents.InteractionCreate, () => built.payload);
  return { id: built.record.id, token: built.record.token };
}

/** MESSAGE_CREATE needs GuildMessages; without MessageContent Discord blanks what the bot can read. */
function messageFor(state: FakeState, message: GatewayMessageCreateDispatchData, intents: number) {
  if (!(intents & GatewayIntentBits.GuildMessages)) return null;
  const mentioned = message.mentions.some((u) => u.id === state.cfg.applicationId);
  if (intents & GatewayIntentBits.MessageContent || mentioned) return message;
  return { ...message, content: '', embeds: [], attachments: [], components: [] };
}

export async function startFakeDiscord(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const cfg = resolveConfig(opts);
  const state = createState(cfg);
  let loseAnswer: LoseAnswer;
  const server = createServer((req, res) => {
    handle(state, req, res, () => loseAnswer).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  const identifies: Array<{ intents: number }> = [];
  const presences: RecordedPresence[] = [];
  const gateway = createGateway(server, state, identifies, presences);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // 127.0.0.1 rather than localhost: localhost may resolve to ::1 where nothing listens.
  state.baseUrl = `http://127.0.0.1:${port}`;
  const waitForRequest = state.recorder.waitFor.bind(state.recorder);

  return {
    url: state.baseUrl,
    restApi: `${state.baseUrl}/api`,
    token: cfg.token,
    applicationId: cfg.applicationId,
    guildId: cfg.guildId,
    channelId: cfg.channelId,
    alertChannelId: cfg.alertChannelId,
    requests: state.recorder.requests,
    unhandled: state.recorder.unhandled,
    identifies,
    presences,
    get messages() {
      return state.messages;
    },
    get loseAnswer() {
      return loseAnswer;
    },
    set loseAnswer(value) {
      loseAnswer = value;
    },
    get commands() {
      return state.commands;
    },
    set messages(value) {
      state.messages = value;
    },
    get failureFor() {
      return state.failureFor;
    },
    set failureFor(decide) {
      state.failureFor = decide;
    },
    now: () => fakeNow(state),
    advanceClock(ms) {
      state.clockOffsetMs += ms;
    },
    waitForRequest,
    requestsSince: (seq) => state.recorder.since(seq),
    slashCommand: (input) => sendInteraction(state, gateway, slashInteraction(state, input)),
    autocomplete: (input) => sendInteraction(state, gateway, autocompleteInteraction(state, input)),
    button: (customId, input) =>
      sendInteraction(state, gateway, componentInteraction(state, customId, null, input)),
    stringSelect: (customId, values, input) =>
      sendInteraction(state, gateway, componentInteraction(state, customId, values, input)),
    modalSubmit: (customId, fields, input) =>
      sendInteraction(state, gateway, modalSubmitInteraction(state, customId, fields, input)),
    async userMessage(content, input) {
      if (gateway.openSessions() === 0)
        throw new Error('fake-discord: no identified gateway session to deliver to');
      const message = userMessagePayload(state, content, input);
      state.userMessages.set(message.id, message);
      await gateway.dispatch(GatewayDispatchEvents.MessageCreate, (intents) =>
        messageFor(state, message, intents),
      );
      return { id: message.id };
    },
    waitForCallback: (interactionId, timeoutMs) =>
      waitForRequest(
        (r) =>
          r.method === 'POST' &&
          r.path.startsWith(`/interactions/${interactionId}/`) &&
          r.path.endsWith('/callback'),
        timeoutMs,
      ),
    async stop() {
      gateway.close();
      // undici keeps connections alive; without this, close() would wait for them to time out.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
