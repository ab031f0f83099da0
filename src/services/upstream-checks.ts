import type { Logger } from '../logger.ts';
import { innermostMessage, networkCause, safeUrl } from '../net-errors.ts';

/**
 * One start-up line per configured upstream, so a newcomer sees at once which address answers and why
 * another does not ("Tautulli at http://tower:8181: reachable" / "Plex at http://tower:32400: connection
 * refused by tower:32400"). URLs are logged without query or user info; API keys travel in headers or
 * the query and are never part of the line.
 */
export interface UpstreamCheck {
  name: string;
  /** Where it is, as logs may show it. */
  where: string;
  /** Resolves to what was found ("reachable, Plex 1.41.3"); rejects with the reason in words. */
  run(): Promise<string>;
}

/**
 * A GET and its JSON body (null when it is not JSON), both under one deadline: headers followed by a body
 * that stalls are no answer in time, not an answer from some other server.
 */
async function get(
  url: string,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<{ status: number; ok: boolean; body: unknown }> {
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { headers, signal: deadline });
    const body: unknown = await response.json().catch((error: unknown) => {
      if (deadline.aborted) throw error;
      return null;
    });
    return { status: response.status, ok: response.ok, body };
  } catch (error) {
    const cause = networkCause(error, new URL(url).host) ?? `network error: ${innermostMessage(error)}`;
    throw new Error(cause, { cause: error });
  }
}

/** Plex answers `/identity` without a token; the token is checked on `/library/sections`. */
export function plexCheck(baseUrl: string, token: string | undefined, timeoutMs: number): UpstreamCheck {
  return {
    name: 'Plex',
    where: safeUrl(baseUrl),
    async run() {
      const identity = await get(`${baseUrl}/identity`, timeoutMs, { Accept: 'application/json' });
      const body = identity.body as { MediaContainer?: { version?: string } } | null;
      if (!identity.ok || !body?.MediaContainer)
        throw new Error(`answered HTTP ${identity.status}: is this Plex?`);
      const version = body.MediaContainer.version ? `Plex ${body.MediaContainer.version}` : 'Plex';
      if (!token) return `reachable (${version}); PLEX_TOKEN is not set`;
      const sections = await get(`${baseUrl}/library/sections`, timeoutMs, {
        Accept: 'application/json',
        'X-Plex-Token': token,
      });
      if (sections.status === 401)
        throw new Error(`reachable (${version}), but it rejected PLEX_TOKEN (HTTP 401)`);
      return `reachable (${version}, token accepted)`;
    },
  };
}

/** `get_user_names` is a cheap authenticated call that every Tautulli v2 answers. */
export function tautulliCheck(baseUrl: string, apiKey: string, timeoutMs: number): UpstreamCheck {
  return {
    name: 'Tautulli',
    where: safeUrl(baseUrl),
    async run() {
      const url = new URL(`${baseUrl.replace(/\/$/, '')}/api/v2`);
      url.searchParams.set('apikey', apiKey);
      url.searchParams.set('cmd', 'get_user_names');
      const response = await get(url.toString(), timeoutMs);
      const body = response.body as {
        response?: { result?: string; message?: string | null; data?: unknown };
      } | null;
      // A wrong key is HTTP 400 "Invalid apikey" on current Tautulli, 401 on older versions.
      if (response.status === 401 || /invalid apikey/i.test(body?.response?.message ?? ''))
        throw new Error(`reachable, but it rejected TAUTULLI_API_KEY (HTTP ${response.status})`);
      if (!response.ok || body?.response?.result !== 'success')
        throw new Error(`answered HTTP ${response.status} without a Tautulli reply: is this Tautulli?`);
      const users = Array.isArray(body.response.data) ? body.response.data.length : 0;
      return `reachable (API key accepted, ${users} users)`;
    },
  };
}

/** Runs every check at once and logs one line each; never throws (start-up goes on either way). */
export async function logUpstreamChecks(checks: readonly UpstreamCheck[], logger: Logger): Promise<void> {
  await Promise.all(
    checks.map(async (check) => {
      const line = `${check.name} at ${check.where}`;
      try {
        logger.info({ upstream: check.name }, `${line}: ${await check.run()}`);
      } catch (error) {
        const why = error instanceof Error ? error.message : 'failed';
        logger.warn({ upstream: check.name }, `${line}: ${why}`);
      }
    }),
  );
}

/** The Plex container over the Docker socket, as the health monitor will read it. */
export function dockerCheck(
  docker: { inspect(name: string): Promise<{ status: string } | null> },
  where: string,
  containerName: string,
): UpstreamCheck {
  return {
    name: 'Docker',
    where,
    async run() {
      const container = await docker.inspect(containerName).catch((error: unknown) => {
        // The Docker service keeps only the system code ("docker unreachable: ENOENT"); say it in words.
        const code = /\b(E[A-Z]+)\b/.exec(error instanceof Error ? error.message : '')?.[1];
        const why = networkCause({ code, address: where }) ?? innermostMessage(error);
        throw new Error(`cannot read the container ${containerName}: ${why}`, { cause: error });
      });
      if (!container)
        throw new Error(`reachable, but no container is named ${containerName} (PLEX_CONTAINER_NAME)`);
      return `reachable, container ${containerName} is ${container.status}`;
    },
  };
}
