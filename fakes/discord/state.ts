// Shared state of one fake: the request log (with waiters), messages, interactions and registered commands.
import type {
  APIApplicationCommand,
  APIMessage,
  APIMessageInteractionMetadata,
  InteractionType,
} from 'discord-api-types/v10';
import { person } from './guild.ts';
import type { FakeConfig, Person } from './guild.ts';
import type { FakeDiscordFailure, RecordedRequest } from './types.ts';

export interface InteractionRecord {
  id: string;
  token: string;
  type: InteractionType;
  createdAt: number;
  channelId: string;
  /** Copied into every message this interaction creates (discord.js needs its `user`). */
  metadata: APIMessageInteractionMetadata;
  attachmentSizeLimit: number;
  acknowledged: boolean;
  /** The message `@original` points at: the reply once sent, or the component's message. */
  originalId: string | null;
  /** For component (and modal-from-component) interactions: the message the component sits on. */
  componentMessage: APIMessage | null;
  /** Messages this interaction's token may edit (original and followUps). */
  messageIds: Set<string>;
}

interface Waiter {
  pred: (r: RecordedRequest) => boolean;
  resolve: (r: RecordedRequest) => void;
}

export class Recorder {
  readonly requests: RecordedRequest[] = [];
  readonly unhandled: RecordedRequest[] = [];
  #seq = 0;
  #waiters = new Set<Waiter>();

  record(entry: Omit<RecordedRequest, 'seq'>, handled: boolean): RecordedRequest {
    const request = { seq: ++this.#seq, ...entry };
    this.requests.push(request);
    if (!handled) this.unhandled.push(request);
    for (const waiter of this.#waiters) {
      if (!waiter.pred(request)) continue;
      this.#waiters.delete(waiter);
      waiter.resolve(request);
    }
    return request;
  }

  /** Resolves with the first past or future request that matches; rejects listing what was recorded. */
  waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs = 3000): Promise<RecordedRequest> {
    const past = this.requests.find(pred);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        pred,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const seen = this.requests.map((r) => `  #${r.seq} ${r.method} ${r.path} -> ${r.status}`).join('\n');
        reject(
          new Error(
            `fake-discord: no matching request within ${timeoutMs} ms; recorded:\n${seen || '  (none)'}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  since(seq: number): RecordedRequest[] {
    return this.requests.filter((r) => r.seq > seq);
  }
}

export interface FakeState {
  cfg: FakeConfig;
  /** http://127.0.0.1:PORT, known once the server listens. */
  baseUrl: string;
  recorder: Recorder;
  /** Messages the bot created, by id. */
  messages: Map<string, APIMessage>;
  /** Messages injected as written by users (prefix commands), so replies can reference them. */
  userMessages: Map<string, APIMessage>;
  interactions: Map<string, InteractionRecord>;
  /** Registered commands, keyed 'global' or by guild id. */
  commands: Map<string, APIApplicationCommand[]>;
  /** Every user the fake has shown to the bot, so member lookups agree with earlier payloads. */
  people: Map<string, Person>;
  /** How far the fake's clock runs ahead of the real one (advanceClock): token lifetimes are checked by it. */
  clockOffsetMs: number;
  /** Set by tests: answers a call with an outage instead of handling it (FakeDiscord.failureFor). */
  failureFor: ((request: { method: string; path: string }) => FakeDiscordFailure | undefined) | undefined;
}

/** The fake's clock: interaction times, token expiry and request times are all read from it. */
export function fakeNow(state: FakeState): number {
  return Date.now() + state.clockOffsetMs;
}

export function createState(cfg: FakeConfig): FakeState {
  return {
    cfg,
    baseUrl: '',
    recorder: new Recorder(),
    messages: new Map(),
    userMessages: new Map(),
    interactions: new Map(),
    commands: new Map(),
    people: new Map(),
    clockOffsetMs: 0,
    failureFor: undefined,
  };
}

/** Everyone the guild shows besides the bot: its owner (so no tested user is owner), alex, injected users. */
export function people(state: FakeState): Person[] {
  const owner: Person = {
    user: {
      id: state.cfg.ownerId,
      username: 'owner',
      discriminator: '0',
      global_name: 'owner',
      avatar: null,
    },
    roles: [],
  };
  const all = new Map<string, Person>([[state.cfg.ownerId, owner]]);
  const alex = person(state.cfg, undefined);
  all.set(alex.user.id, alex);
  for (const [id, p] of state.people) all.set(id, p);
  return [...all.values()];
}
