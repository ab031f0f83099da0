/**
 * Network failures in words, with the host that was tried: "DNS lookup of discord.com failed (ENOTFOUND)",
 * "connection refused by 127.0.0.1:9", "TLS failed: certificate has expired". Node and undici put the
 * system error in `cause` (fetch) or on the error itself (net, axios); both are walked. Never includes a
 * URL's path or query, where credentials may sit.
 */

const TLS_CODE = /^(CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_TLS_|ERR_SSL_|EPROTO$)/;

interface SystemError {
  code?: unknown;
  hostname?: unknown;
  address?: unknown;
  port?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
}

function chain(error: unknown): SystemError[] {
  const found: SystemError[] = [];
  let current = error;
  while (current && typeof current === 'object' && found.length < 6) {
    found.push(current as SystemError);
    current = (current as SystemError).cause;
  }
  return found;
}

/** The network cause of a failure, or undefined when it was not a network failure (e.g. an HTTP 401). */
export function networkCause(error: unknown, fallbackHost?: string): string | undefined {
  const errors = chain(error);
  const coded = errors.find((e) => typeof e.code === 'string' && e.code !== 'ERR_INVALID_URL');
  const code = typeof coded?.code === 'string' ? coded.code : '';
  const host = (() => {
    const withHost = errors.find((e) => typeof e.hostname === 'string' || typeof e.address === 'string');
    const name = withHost ? String(withHost.hostname ?? withHost.address) : fallbackHost;
    const port = typeof withHost?.port === 'number' ? `:${withHost.port}` : '';
    return name ? `${name}${port}` : 'the server';
  })();
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME')
    return `DNS lookup of ${host} failed (${code}): is the host name right, and does this machine have DNS?`;
  if (code === 'ENOENT') return `${host} does not exist (ENOENT)`;
  if (code === 'EACCES') return `permission denied for ${host} (EACCES)`;
  if (code === 'ECONNREFUSED') return `connection refused by ${host} (nothing listens there)`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `${host} is unreachable (${code}): no route`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `${host} closed the connection (${code})`;
  if (
    code === 'ETIMEDOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'ECONNABORTED' ||
    errors.some((e) => e.name === 'TimeoutError' || e.name === 'AbortError')
  )
    return `${host} did not answer in time${code ? ` (${code})` : ''}`;
  if (TLS_CODE.test(code)) {
    const tls = errors.find((e) => e.code === code);
    const why = typeof tls?.message === 'string' ? tls.message.split('\n')[0] : code;
    return `TLS with ${host} failed: ${why} (${code})`;
  }
  if (code.startsWith('E') && /^E[A-Z]+$/.test(code)) return `network error reaching ${host} (${code})`;
  return undefined;
}

/**
 * The innermost message of a failure that is not a known network cause ("bad port"), with anything that
 * looks like a query string removed, since a URL in a message may carry an API key.
 */
export function innermostMessage(error: unknown): string {
  const messages = chain(error)
    .map((e) => (typeof e.message === 'string' ? e.message : ''))
    .filter(Boolean);
  return (messages.at(-1) ?? 'failed').replace(/\?\S*/g, '');
}

/** The host (and port) of a URL, without credentials, path or query: safe to log. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}

/** A URL as logs may show it: scheme, host and path, never user info or query (tokens live there). */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'an invalid URL';
  }
}
