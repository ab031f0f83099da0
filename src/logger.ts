import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

export type { Logger } from 'pino';

const REDACTED = '[redacted]';

/** Field and header names that hold credentials, redacted at any of the first three levels of a log object. */
const CREDENTIAL_KEYS = [
  'token',
  'apiKey',
  'apikey',
  'password',
  'authorization',
  'Authorization',
  '"x-plex-token"',
  '"X-Plex-Token"',
];
const REDACT_PATHS = CREDENTIAL_KEYS.flatMap((key) => {
  const k = key.startsWith('"') ? `[${key}]` : key;
  const child = key.startsWith('"') ? k : `.${k}`;
  return [k, `*${child}`, `*.*${child}`];
});

/** Query parameters and URL user-info that carry credentials (Plex, Tautulli, Discogs, webhooks). */
const CREDENTIAL_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/([?&](?:x-plex-token|apikey|api_key|token|key|secret)=)[^&#\s"']+/gi, `$1${REDACTED}`],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@"']+:[^/\s@"']+@/gi, `$1${REDACTED}@`],
  [/(X-Plex-Token["']?\s*[:=]\s*["']?)[^"',\s}]+/gi, `$1${REDACTED}`],
  [/(Bot\s+)[A-Za-z0-9._-]{20,}/g, `$1${REDACTED}`],
];

/** Replaces every known secret value and every credential-looking URL part in a string. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

function scrubDeep(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (value instanceof Error) return scrubDeep(serializeError(value), secrets, depth + 1);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrubDeep(item, secrets, depth + 1);
  return out;
}

export interface LoggerOptions {
  level: string;
  /** Secret values (tokens, API keys) that must never be printed, whatever field they end up in. */
  secrets: readonly string[];
  /** Where to write; stdout when omitted. Tests pass a capture stream. */
  destination?: DestinationStream;
}

/**
 * The root logger. pino's `redact` covers known field paths; the `log` formatter and `logMethod` hook
 * scrub secret values and credentialed URLs that slip into free text (error messages, URLs).
 */
export function createLogger(options: LoggerOptions): Logger {
  const { secrets } = options;
  return pino(
    {
      level: options.level,
      base: { app: 'autoalex' },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      formatters: {
        log: (object) => scrubDeep(object, secrets, 0) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg, secrets) : arg));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
      serializers: { err: serializeError },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/**
 * Errors are reduced to name, message, code and stack: an axios error carries its whole request config
 * (with the API key in params) and must never be serialised as is.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) {
    // Already serialised (the log formatter runs first) or a plain object: keep it.
    return typeof error === 'object' && error !== null
      ? (error as Record<string, unknown>)
      : { message: String(error) };
  }
  const out: Record<string, unknown> = { type: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number') out.status = status;
  if (error.stack) out.stack = error.stack;
  if (error.cause !== undefined) out.cause = serializeError(error.cause);
  return out;
}

/** A logger that drops everything, for the CLI's quiet mode and for tests that do not look at logs. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
