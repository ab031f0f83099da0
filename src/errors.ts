import { randomBytes } from 'node:crypto';
import type { Logger } from './logger.ts';

/** An expected problem worded for the person who asked ("That artist isn't in Plex"); shown as written. */
export class UserFacingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserFacingError';
  }
}

export const UPSTREAM_SERVICES = {
  plex: 'Plex',
  tautulli: 'Tautulli',
  musicbrainz: 'MusicBrainz',
  discogs: 'Discogs',
  docker: 'Docker',
} as const;
export type UpstreamService = keyof typeof UPSTREAM_SERVICES;

export type UpstreamErrorKind = 'unreachable' | 'unauthorized' | 'timeout' | 'bad_response' | 'not_found';

/**
 * Thrown only by services when an upstream fails. `kind` decides the user's message; `status` and
 * `detail` are for logs and never contain credentials (services build them from status codes and
 * upstream messages, not from request configs).
 */
export class UpstreamError extends Error {
  readonly service: UpstreamService;
  readonly kind: UpstreamErrorKind;
  readonly status: number | undefined;
  /**
   * Words for the user when the service knows better than the kind's generic sentence (Docker: "permission
   * denied on the socket, add the group"); written by the service, never from request configs.
   */
  readonly userText: string | undefined;
  constructor(
    service: UpstreamService,
    kind: UpstreamErrorKind,
    detail: string,
    status?: number,
    userText?: string,
  ) {
    super(`${service} ${kind}: ${detail}`);
    this.name = 'UpstreamError';
    this.service = service;
    this.kind = kind;
    this.status = status;
    this.userText = userText;
  }
}

const KIND_TEXT: Record<UpstreamErrorKind, (name: string) => string> = {
  unreachable: (name) => `${name} is unreachable right now. Is it running, and is its URL right?`,
  unauthorized: (name) =>
    `${name} rejected Autoalex's credentials. An admin needs to check the API key or token.`,
  timeout: (name) => `${name} did not answer in time. It may be busy; try again in a moment.`,
  bad_response: (name) =>
    `${name} sent an answer Autoalex could not understand. Try again; if it persists, check the logs.`,
  not_found: (name) => `${name} could not find what was asked for.`,
};

/** The `code` a Node, SQLite or Discord error carries (ECONNREFUSED, SQLITE_BUSY, 40060), if any. */
export const errorCode = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

const DATABASE_BUSY_TEXT =
  "Autoalex's database is locked by another program (a backup or a database tool?). Try again in a moment.";

/** better-sqlite3's SqliteError for a lock held elsewhere (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED…). */
export function isDatabaseBusy(error: unknown): boolean {
  const code = errorCode(error);
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/** What a 5xx means to a user: the server is there but failing, which is not "could not understand". */
function serverErrorText(name: string, status: number): string {
  return `${name} answered with a server error (HTTP ${status}). It may be starting up or overloaded; try again in a moment.`;
}

/**
 * A request whose whole answer (headers and body) did not arrive within the service's deadline, however it
 * was stuck: no headers, a body that stalled, or one that dripped in too slowly.
 */
export function deadlineError(service: UpstreamService, timeoutMs: number): UpstreamError {
  const seconds = Number((timeoutMs / 1000).toFixed(1));
  return new UpstreamError(
    service,
    'timeout',
    `no complete answer within ${timeoutMs} ms`,
    undefined,
    `${UPSTREAM_SERVICES[service]} did not answer within ${seconds} s. It may be busy; try again in a moment.`,
  );
}

export interface UserMessage {
  text: string;
  /** Set for unexpected errors: the id printed in the log line, so an admin can find it. */
  incidentId?: string;
}

export function newIncidentId(): string {
  return randomBytes(4).toString('hex');
}

/**
 * The one place errors become words. Expected errors keep their text, upstream errors are mapped by
 * service and kind, anything else becomes a generic line with an incident id (never its raw message).
 */
export function toUserMessage(error: unknown): UserMessage {
  if (error instanceof UserFacingError) return { text: error.message };
  if (isDatabaseBusy(error)) return { text: DATABASE_BUSY_TEXT };
  if (error instanceof UpstreamError) {
    const name = UPSTREAM_SERVICES[error.service];
    if (error.userText) return { text: error.userText };
    if (error.kind === 'bad_response' && error.status !== undefined && error.status >= 500)
      return { text: serverErrorText(name, error.status) };
    return { text: KIND_TEXT[error.kind](name) };
  }
  const incidentId = newIncidentId();
  return {
    text: `Something went wrong on Autoalex's side (incident ${incidentId}). An admin can find it in the logs.`,
    incidentId,
  };
}

/** Logs a failure at the level it deserves and returns the words for the user. */
export function describeFailure(error: unknown, logger: Logger): string {
  const message = toUserMessage(error);
  if (message.incidentId) logger.error({ err: error, incidentId: message.incidentId }, 'unexpected error');
  else if (error instanceof UpstreamError)
    logger.warn({ svc: error.service, kind: error.kind, status: error.status }, 'upstream failed');
  else if (error instanceof UserFacingError) logger.debug({ reason: error.message }, 'user-facing refusal');
  else if (isDatabaseBusy(error)) logger.warn({ code: errorCode(error) }, 'database locked');
  return message.text;
}
