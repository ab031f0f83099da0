// Public types of the fake Discord. index.ts re-exports them; the other modules import them from here so
// that no module has to import index.ts (which would create import cycles).
import type { APIApplicationCommand, APIMessage } from 'discord-api-types/v10';

export interface FakeDiscordOptions {
  /** Default 'fake-bot-token'. GET /gateway/bot and Bot-auth routes answer 401 for any other token. */
  token?: string;
  /** Default a fixed snowflake. READY's user.id is the application id, as for real bots. */
  applicationId?: string;
  guildId?: string;
  /** The 'general' text channel. */
  channelId?: string;
  /** A second text channel, 'alerts'. */
  alertChannelId?: string;
  /** A guild role named 'Plex Admin' WITHOUT ManageGuild (bots may grant admin by role). */
  adminRoleId?: string;
  /** Default true. false = the app lacks the privileged intent: IDENTIFY with MessageContent is closed 4014. */
  allowMessageContent?: boolean;
  heartbeatIntervalMs?: number;
  /** Default 3000: an initial interaction callback arriving later is rejected 404 code 10062. */
  ackDeadlineMs?: number;
  /** Default 15 min: webhook calls with an older interaction token are rejected 401 code 50027. */
  tokenLifetimeMs?: number;
}

/**
 * An outage for one REST call: Discord's own 5xx answer (`{message, code: 0}`; discord.js retries it
 * `retries` times), or `hang`: the call is recorded and no answer ever comes (a crash while waiting).
 */
export type FakeDiscordFailure = { kind: 'status'; status: number } | { kind: 'hang' };

export interface RecordedFile {
  field: string;
  name: string;
  size: number;
  contentType: string;
  data: Buffer;
}

export interface RecordedRequest {
  seq: number;
  method: string;
  /** Decoded, without the /api/v10 prefix, e.g. /webhooks/APP/TOKEN/messages/@original. */
  path: string;
  query: Record<string, string>;
  auth: string | null;
  status: number;
  // `any` on purpose: tests dig into arbitrary request bodies and a cast at every use would only add noise.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  files: RecordedFile[];
  at: number;
}

/** A presence update (opcode 3) as the bot sent it, with when it arrived. */
export interface RecordedPresence {
  status: string;
  activities: Array<{ name: string; type: number; state?: string }>;
  since: number | null;
  afk: boolean;
  at: number;
}

export interface InjectUser {
  id?: string;
  username?: string;
  /** ManageGuild through the 'Server Manager' role. */
  admin?: boolean;
  /** Extra role ids; each must be a role of the fake guild. */
  roles?: string[];
}

export interface InjectOption {
  name: string;
  type: number;
  value: string | number | boolean;
}

/** A message the bot created, as Discord would return it (APIMessage), kept up to date by edits. */
export type StoredMessage = APIMessage;

export interface InjectedInteraction {
  id: string;
  token: string;
}

export interface FakeDiscord {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** `${url}/api`: what discord.js's rest.api option takes. */
  readonly restApi: string;
  readonly token: string;
  readonly applicationId: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly alertChannelId: string;
  readonly requests: RecordedRequest[];
  /** Routes the fake does not implement (answered 404 {message:'404: Not Found', code:0}). */
  readonly unhandled: RecordedRequest[];
  /** Every IDENTIFY received, including ones closed with an error. */
  readonly identifies: Array<{ intents: number }>;
  /** Every presence update (gateway opcode 3) the bot sent, in order. */
  readonly presences: RecordedPresence[];
  messages: Map<string, StoredMessage>;
  /**
   * Requests Discord carries out but whose answer is lost on the way back (a proxy timing out, a dropped
   * connection): the fake does the work and records it, then never answers; the client gives up at its
   * own timeout and, if it retries, meets the result (a second interaction callback gets 40060).
   */
  loseAnswer: ((request: { method: string; path: string; status: number }) => boolean) | undefined;
  /** Registered application commands, keyed 'global' or by guild id (bulk overwrites replace them). */
  readonly commands: Map<string, APIApplicationCommand[]>;
  /** The fake's clock (ms since the epoch): Date.now() plus every advanceClock so far. */
  now(): number;
  /**
   * Moves the fake's clock forward, as if that much time had passed: interaction tokens older than
   * tokenLifetimeMs by this clock are refused (401 50027), as Discord refuses them after 15 minutes.
   */
  advanceClock(ms: number): void;
  /**
   * Set to make calls fail: consulted for every REST call before it is handled (nothing is stored for a failed
   * call, as on Discord); undefined answers normally. The failed call is still recorded, with its status.
   */
  failureFor: ((request: { method: string; path: string }) => FakeDiscordFailure | undefined) | undefined;
  waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  requestsSince(seq: number): RecordedRequest[];
  slashCommand(input: {
    name: string;
    subcommand?: string;
    options?: InjectOption[];
    user?: InjectUser;
    attachmentSizeLimit?: number;
    channelId?: string;
  }): Promise<InjectedInteraction>;
  autocomplete(input: {
    name: string;
    subcommand?: string;
    focused: string;
    options: InjectOption[];
    user?: InjectUser;
  }): Promise<InjectedInteraction>;
  button(customId: string, input?: { messageId?: string; user?: InjectUser }): Promise<InjectedInteraction>;
  stringSelect(
    customId: string,
    values: string[],
    input?: { messageId?: string; user?: InjectUser },
  ): Promise<InjectedInteraction>;
  /** Not in the original brief: submits a modal (text inputs by custom_id), for bots that use callback type 9. */
  modalSubmit(
    customId: string,
    fields: Record<string, string>,
    input?: { messageId?: string; user?: InjectUser },
  ): Promise<InjectedInteraction>;
  userMessage(content: string, input?: { user?: InjectUser; channelId?: string }): Promise<{ id: string }>;
  /** The first callback request for an interaction, whatever its status. */
  waitForCallback(interactionId: string, timeoutMs?: number): Promise<RecordedRequest>;
  stop(): Promise<void>;
}
