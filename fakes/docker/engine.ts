import { UNRAID_KERNEL } from './binhex.ts';

/** Docker Engine 27.5.1 (API 1.47), as on an Unraid 7 server. */
export const ENGINE_VERSION = '27.5.1';
export const API_VERSION = '1.47';
export const MIN_API_VERSION = '1.24';

/** What the fake answers: written whole, or kept open after `body` for `logs?follow=1`. */
export interface EngineReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  keepOpen?: boolean;
}

/** Set on every engine response by moby's version and experimental middlewares. */
export function engineHeaders(): Record<string, string> {
  return {
    'Api-Version': API_VERSION,
    'Docker-Experimental': 'false',
    Ostype: 'linux',
    Server: `Docker/${ENGINE_VERSION} (linux)`,
  };
}

/** JSON as Go's encoder writes it (with a trailing newline). */
export function json(status: number, body: unknown): EngineReply {
  return {
    status,
    headers: { ...engineHeaders(), 'Content-Type': 'application/json' },
    body: Buffer.from(`${JSON.stringify(body)}\n`),
  };
}

/** Docker's error shape: `{"message": ...}`. */
export const engineError = (status: number, message: string): EngineReply => json(status, { message });

export const noContent = (): EngineReply => ({
  status: 204,
  headers: engineHeaders(),
  body: Buffer.alloc(0),
});

export function ping(head: boolean): EngineReply {
  return {
    status: 200,
    headers: {
      ...engineHeaders(),
      'Builder-Version': '2',
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
      Swarm: 'inactive',
      'Content-Type': 'text/plain; charset=utf-8',
    },
    body: Buffer.from(head ? '' : 'OK'),
  };
}

export function versionBody() {
  const details = {
    ApiVersion: API_VERSION,
    Arch: 'amd64',
    BuildTime: '2025-01-22T12:26:01.000000000+00:00',
    Experimental: 'false',
    GitCommit: '4c9b3b0',
    GoVersion: 'go1.22.11',
    KernelVersion: UNRAID_KERNEL,
    MinAPIVersion: MIN_API_VERSION,
    Os: 'linux',
  };
  return {
    Platform: { Name: '' },
    Components: [
      { Name: 'Engine', Version: ENGINE_VERSION, Details: details },
      {
        Name: 'containerd',
        Version: 'v1.7.25',
        Details: { GitCommit: 'bcc810d6b9066471b0b6fa75f557a15a1cbf31bb' },
      },
      { Name: 'runc', Version: '1.2.4', Details: { GitCommit: 'v1.2.4-0-g6c52b3f' } },
      { Name: 'docker-init', Version: '0.19.0', Details: { GitCommit: 'de40ad0' } },
    ],
    Version: ENGINE_VERSION,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: details.GitCommit,
    GoVersion: details.GoVersion,
    Os: 'linux',
    Arch: 'amd64',
    KernelVersion: UNRAID_KERNEL,
    BuildTime: details.BuildTime,
  };
}

function compareVersions(a: string, b: string): number {
  const [pa, pb] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export const versionAtLeast = (version: string, min: string): boolean => compareVersions(version, min) >= 0;

/** moby's version middleware: 400 for a `/vX.YY` prefix outside MinAPIVersion..ApiVersion. */
export function apiVersionError(version: string): EngineReply | undefined {
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    return engineError(
      400,
      `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  }
  if (compareVersions(version, API_VERSION) > 0) {
    return engineError(
      400,
      `client version ${version} is too new. Maximum supported API version is ${API_VERSION}`,
    );
  }
  return undefined;
}

/** HAProxy's built-in 403 page, which tecnativa/docker-socket-proxy answers for a denied method or path. */
export function proxyForbidden(): EngineReply {
  return {
    status: 403,
    headers: { 'Cache-Control': 'no-cache', Connection: 'close', 'Content-Type': 'text/html' },
    body: Buffer.from(
      '<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n',
    ),
  };
}
