import { binhexRestartLogs } from './plex-container.ts';
import { utcIso } from './clock.ts';
import {
  API_VERSION,
  apiVersionError,
  engineError,
  json,
  noContent,
  ping,
  proxyForbidden,
  versionBody,
} from './engine.ts';
import type { EngineReply } from './engine.ts';
import { inspectBody, isUp, summaryBody } from './inspect.ts';
import { boolValue, logsReply } from './logs.ts';
import { containerProfile } from './profile.ts';
import type { FakeContainer } from './types.ts';

/** The engine's mutable state, read afresh on every request (tests may swap the map or flip readOnly). */
export interface EngineState {
  containers: Map<string, FakeContainer>;
  restarts: string[];
  readOnly: boolean;
}

const PAGE_NOT_FOUND = (): EngineReply => engineError(404, 'page not found');

/** Routes one request, with or without the `/vX.YY` prefix, as moby's router and middlewares do. */
export function route(engine: EngineState, method: string, rawPath: string, query: Record<string, string>) {
  // The socket proxy sits in front of the engine: it refuses before any version or path check.
  if (engine.readOnly && method === 'POST') return proxyForbidden();
  const prefixed = /^\/v([0-9.]+)(\/.*)$/.exec(rawPath);
  const version = prefixed?.[1] ?? API_VERSION;
  const path = prefixed?.[2] ?? rawPath;
  const handler = match(engine, method, path, query);
  if (!handler) return PAGE_NOT_FOUND();
  return apiVersionError(version) ?? handler(version);
}

type Handler = (version: string) => EngineReply;

function match(engine: EngineState, method: string, path: string, query: Record<string, string>) {
  if (path === '/_ping' && (method === 'GET' || method === 'HEAD')) {
    return (): EngineReply => ping(method === 'HEAD');
  }
  if (path === '/version' && method === 'GET') return (): EngineReply => json(200, versionBody());
  if (path === '/containers/json' && method === 'GET') return (): EngineReply => list(engine, query);
  const m = /^\/containers\/([^/]+)\/(json|logs|restart)$/.exec(path);
  if (!m) return undefined;
  const ref = decodeURIComponent(m[1] as string);
  const action = m[2] as string;
  const withContainer =
    (fn: (c: FakeContainer, version: string) => EngineReply): Handler =>
    (version) => {
      const found = find(engine, ref);
      return 'status' in found ? found : fn(found, version);
    };
  if (action === 'json' && method === 'GET') {
    return withContainer((c) => json(200, inspectBody(c, boolValue(query.size))));
  }
  if (action === 'logs' && method === 'GET') {
    if (!boolValue(query.stdout) && !boolValue(query.stderr)) {
      return (): EngineReply => engineError(400, 'Bad parameters: you must choose at least one stream');
    }
    return withContainer((c, version) => logsReply(c, query, version));
  }
  if (action === 'restart' && method === 'POST') return withContainer((c) => restart(engine, c, ref));
  return undefined;
}

/** By full ID, then name (with or without the slash), then unique ID prefix, like moby's container view. */
function find(engine: EngineState, ref: string): FakeContainer | EngineReply {
  const all = [...engine.containers.values()];
  const name = ref.replace(/^\//, '');
  const exact = all.find((c) => c.id === ref) ?? all.find((c) => c.name === name);
  if (exact) return exact;
  const byPrefix = /^[0-9a-f]+$/.test(ref) ? all.filter((c) => c.id.startsWith(ref)) : [];
  if (byPrefix.length > 1) return engineError(400, `multiple IDs found with provided prefix: ${ref}`);
  return byPrefix[0] ?? engineError(404, `No such container: ${ref}`);
}

const FILTERS = ['name', 'id', 'status', 'health', 'label'];
const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

/** `filters` as JSON: `{"name":["plex"]}` or the legacy `{"name":{"plex":true}}`; a string is an error. */
function parseFilters(raw: string | undefined): Record<string, string[]> | string {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return `invalid filter: ${raw}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return `invalid filter: ${raw}`;
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!FILTERS.includes(key)) return `invalid filter '${key}'`;
    out[key] = Array.isArray(value) ? value.map(String) : Object.keys(value as object);
  }
  const badStatus = (out.status ?? []).find((s) => !STATUSES.includes(s));
  return badStatus === undefined ? out : `invalid filter 'status=${badStatus}'`;
}

/** moby filters.Match: a regular expression searched anywhere in the value. */
function matches(patterns: string[] | undefined, ...values: string[]): boolean {
  if (!patterns?.length) return true;
  return patterns.some((p) => {
    try {
      return values.some((v) => new RegExp(p).test(v));
    } catch {
      return values.includes(p);
    }
  });
}

function labelsMatch(c: FakeContainer, wanted: string[] | undefined): boolean {
  const { labels } = containerProfile(c);
  return (wanted ?? []).every((w) => {
    const [k = '', v] = w.split('=', 2);
    return k in labels && (v === undefined || labels[k] === v);
  });
}

function list(engine: EngineState, query: Record<string, string>): EngineReply {
  const f = parseFilters(query.filters);
  if (typeof f === 'string') return engineError(400, f);
  // A status filter implies all=1 (moby daemon/list.go).
  const all = boolValue(query.all) || Boolean(f.status?.length);
  const shown = [...engine.containers.values()].filter(
    (c) =>
      (all || isUp(c)) &&
      matches(f.name, c.name, `/${c.name}`) &&
      matches(f.id, c.id) &&
      (!f.status?.length || f.status.includes(c.state)) &&
      (!f.health?.length || f.health.includes(c.health ?? 'none')) &&
      labelsMatch(c, f.label),
  );
  return json(200, shown.map(summaryBody));
}

/**
 * `docker restart`: stop (if up), then start. Docker resets `RestartCount` on a manual start (moby
 * ResetRestartManager(true)); the health check starts over as `starting`.
 */
function restart(engine: EngineState, c: FakeContainer, ref: string): EngineReply {
  if (c.state === 'dead') {
    return engineError(
      500,
      `Cannot restart container ${ref}: container is marked for removal and cannot be started`,
    );
  }
  const now = Date.now();
  const wasUp = isUp(c);
  if (wasUp) c.finishedAt = utcIso(now - 80, 113_907);
  if (/(^|\/)binhex\//.test(c.image)) {
    const app = c.image.replace(/^.*\/arch-/, '').replace(/:.*$/, '');
    c.logs.push(...binhexRestartLogs(wasUp ? now - 1_450 : undefined, now, app));
  }
  Object.assign(c, { state: 'running', startedAt: utcIso(now, 274_918), exitCode: 0, restartCount: 0 });
  c.oomKilled = false;
  c.error = undefined;
  if (c.health) c.health = 'starting';
  engine.restarts.push(c.name);
  return noContent();
}
