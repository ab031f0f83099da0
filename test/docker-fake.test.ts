import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { PassThrough, Writable } from 'node:stream';
import Docker from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  API_VERSION,
  PLEX_CONTAINER_ID,
  plexContainer,
  plexCrashLogs,
  startDockerFake,
} from '../fakes/docker.ts';
import type { DockerFake, FakeContainer, FakeLogLine } from '../fakes/docker.ts';

/** These tests drive the fake with the real dockerode client, to prove the fake, not the bot. */

type Via = 'unix' | 'tcp';

/** An SGR colour code (built from a string: a literal ESC in a regexp trips no-control-regex). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`);

function client(fake: DockerFake, via: Via, extra: Docker.DockerOptions = {}): Docker {
  return via === 'unix'
    ? new Docker({ socketPath: fake.socketPath, ...extra })
    : new Docker({ host: '127.0.0.1', port: fake.port, protocol: 'http', ...extra });
}

/** Splits a multiplexed body (Buffer or response stream) with dockerode's own demuxer. */
async function demux(docker: Docker, body: Buffer | NodeJS.ReadableStream) {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (chunks: Buffer[]) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
  const source = Buffer.isBuffer(body) ? new PassThrough().end(body) : body;
  docker.modem.demuxStream(source, sink(out), sink(err));
  await once(source, 'end');
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/** Reads Docker's multiplexed framing by hand: [type, 0, 0, 0, uint32 BE size] + payload. */
function frames(body: Buffer): Array<{ type: number; text: string }> {
  const out: Array<{ type: number; text: string }> = [];
  for (let at = 0; at < body.length;) {
    expect([body[at + 1], body[at + 2], body[at + 3]]).toEqual([0, 0, 0]);
    const size = body.readUInt32BE(at + 4);
    out.push({ type: body[at] as number, text: body.subarray(at + 8, at + 8 + size).toString() });
    at += 8 + size;
  }
  return out;
}

const joined = (lines: FakeLogLine[], stream: FakeLogLine['stream']) =>
  lines
    .filter((l) => l.stream === stream)
    .map((l) => `${l.line}\n`)
    .join('');

let fake: DockerFake;
beforeEach(async () => {
  fake = await startDockerFake();
});
afterEach(() => fake.close());

const plex = (): FakeContainer => fake.containers.get('binhex-plexpass') as FakeContainer;

describe.each<Via>(['unix', 'tcp'])('dockerode over %s', (via) => {
  it('inspects binhex-plexpass by name and by ID prefix, with its state and health checks', async () => {
    const docker = client(fake, via);
    const info = await docker.getContainer('binhex-plexpass').inspect();
    expect(info).toMatchObject({
      Id: PLEX_CONTAINER_ID,
      Name: '/binhex-plexpass',
      RestartCount: 0,
      State: {
        Status: 'running',
        Running: true,
        Paused: false,
        Restarting: false,
        OOMKilled: false,
        Dead: false,
      },
      Config: { Image: 'binhex/arch-plexpass', Tty: false },
      HostConfig: { NetworkMode: 'host', RestartPolicy: { Name: 'unless-stopped' } },
    });
    expect(info.State.Pid).toBeGreaterThan(0);
    expect(info.State.Health).toMatchObject({ Status: 'healthy', FailingStreak: 0 });
    expect(info.State.Health?.Log).toHaveLength(5);
    expect(info.State.Health?.Log.at(-1)?.Output).toContain("[info] Process 'Plex Media Server' is running.");

    const byPrefix = await docker.getContainer(PLEX_CONTAINER_ID.slice(0, 12)).inspect();
    expect(byPrefix.Name).toBe('/binhex-plexpass');
    expect(fake.requests.map((r) => [r.method, r.path, r.via])).toEqual([
      ['GET', '/containers/binhex-plexpass/json', via],
      ['GET', `/containers/${PLEX_CONTAINER_ID.slice(0, 12)}/json`, via],
    ]);
  });

  it('returns the last 50 log lines as one multiplexed Buffer that demuxStream splits into both streams', async () => {
    const docker = client(fake, via);
    const body = await docker
      .getContainer('binhex-plexpass')
      .logs({ follow: false, stdout: true, stderr: true, tail: 50 });
    expect(Buffer.isBuffer(body)).toBe(true);
    const last50 = plex().logs.slice(-50);
    expect(frames(body)).toEqual(
      last50.map((l) => ({ type: l.stream === 'stdout' ? 1 : 2, text: `${l.line}\n` })),
    );

    const { stdout, stderr } = await demux(docker, body);
    expect(stdout).toBe(joined(last50, 'stdout'));
    expect(stderr).toBe(joined(last50, 'stderr'));
    expect(stderr).not.toBe('');
    expect(stderr).toMatch(ANSI);
    expect(stdout).toContain('Sqlite3: Sleeping for 200ms to retry busy DB.');
    expect(fake.requests.at(-1)).toEqual({
      method: 'GET',
      path: '/containers/binhex-plexpass/logs',
      query: { follow: 'false', stdout: 'true', stderr: 'true', tail: '50' },
      via,
    });
  });

  it('restarts the container: running again, new start time and PID, health starting, restart logged', async () => {
    const docker = client(fake, via);
    plex().restartCount = 3;
    const before = await docker.getContainer('binhex-plexpass').inspect();
    const started = Date.now();
    // A 204 has no body: docker-modem resolves with an empty Buffer, not undefined.
    expect(await docker.getContainer('binhex-plexpass').restart()).toEqual(Buffer.alloc(0));
    const after = await docker.getContainer('binhex-plexpass').inspect();

    expect(fake.restarts).toEqual(['binhex-plexpass']);
    expect(after.State).toMatchObject({ Status: 'running', Running: true, ExitCode: 0 });
    expect(Date.parse(after.State.StartedAt)).toBeGreaterThanOrEqual(started - 5);
    expect(Date.parse(after.State.FinishedAt)).toBeGreaterThan(Date.parse(before.State.FinishedAt));
    expect(after.State.Pid).not.toBe(before.State.Pid);
    expect(after.State.Health).toEqual({ Status: 'starting', FailingStreak: 0, Log: [] });
    expect(after.RestartCount).toBe(0); // a manual restart resets it, as in Docker
    const tail = (
      await docker.getContainer('binhex-plexpass').logs({ stdout: true, stderr: true, tail: 60 })
    ).toString();
    expect(tail).toContain('WARN received SIGTERM indicating exit request');
    expect(tail).toContain('INFO stopped: start-script (terminated by SIGTERM)');
    expect(tail).toContain('[info] Starting Plex Media Server...');
    expect(fake.requests.filter((r) => r.method === 'POST')).toEqual([
      { method: 'POST', path: '/containers/binhex-plexpass/restart', query: {}, via },
    ]);
  });

  it("answers a missing container with 404 and Docker's message, which dockerode puts in statusCode and json", async () => {
    const docker = client(fake, via);
    const error = await docker
      .getContainer('plex')
      .inspect()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      statusCode: 404,
      reason: 'no such container',
      json: { message: 'No such container: plex' },
      message: '(HTTP code 404) no such container - No such container: plex ',
    });
    await expect(docker.getContainer('plex').logs({ stdout: true, tail: 5 })).rejects.toMatchObject({
      statusCode: 404,
    });
    await expect(docker.getContainer('plex').restart()).rejects.toMatchObject({ statusCode: 404 });
    expect(fake.restarts).toEqual([]);
  });
});

describe('logs', () => {
  const docker = () => client(fake, 'tcp');

  it('sends a TTY container raw, with \\r\\n line ends and its colours, labelled raw-stream', async () => {
    const logs: FakeLogLine[] = [
      { stream: 'stdout', line: '\u001b[32mINFO\u001b[0m ready' },
      { stream: 'stderr', line: '\u001b[31mERROR\u001b[0m disk full' },
      { stream: 'stdout', line: 'bye' },
    ];
    fake.containers.set('tty-app', plexContainer({ name: 'tty-app', id: 'a'.repeat(64), tty: true, logs }));
    const body = await docker().getContainer('tty-app').logs({ stdout: true, stderr: true, tail: 2 });
    expect(body.toString()).toBe('\u001b[31mERROR\u001b[0m disk full\r\nbye\r\n');
    // docker-modem 5 passes a stream that does not start with a frame header through to stdout.
    expect(await demux(docker(), body)).toEqual({ stdout: body.toString(), stderr: '' });

    const res = await fetch(`${fake.url}/containers/tty-app/logs?stdout=1&stderr=1`);
    expect(res.headers.get('content-type')).toBe('application/vnd.docker.raw-stream');
    const muxed = await fetch(`${fake.url}/containers/binhex-plexpass/logs?stdout=1&tail=1`);
    expect(muxed.headers.get('content-type')).toBe('application/vnd.docker.multiplexed-stream');
    expect(muxed.headers.get('api-version')).toBe(API_VERSION);
  });

  it('gives dockerode a parsed object, not a Buffer, when a TTY log tail happens to be valid JSON', async () => {
    const logs: FakeLogLine[] = [{ stream: 'stdout', line: '{"level":"info","msg":"listening"}' }];
    fake.containers.set(
      'json-logger',
      plexContainer({ name: 'json-logger', id: 'b'.repeat(64), tty: true, logs }),
    );
    const body: unknown = await docker().getContainer('json-logger').logs({ stdout: true, tail: 1 });
    expect(Buffer.isBuffer(body)).toBe(false);
    expect(body).toEqual({ level: 'info', msg: 'listening' });
  });

  it('counts tail over both streams before filtering, and tail=all returns everything', async () => {
    const stderrOnly = await docker().getContainer('binhex-plexpass').logs({ stderr: true, tail: 40 });
    const expected = plex()
      .logs.slice(-40)
      .filter((l) => l.stream === 'stderr');
    expect(frames(stderrOnly).map((f) => f.text)).toEqual(expected.map((l) => `${l.line}\n`));
    expect(expected.length).toBeLessThan(40);

    const res = await fetch(`${fake.url}/v1.47/containers/binhex-plexpass/logs?stdout=1&stderr=1&tail=all`);
    expect(frames(Buffer.from(await res.arrayBuffer()))).toHaveLength(plex().logs.length);
    const none = await fetch(`${fake.url}/containers/binhex-plexpass/logs?tail=5`);
    expect([none.status, await none.json()]).toEqual([
      400,
      { message: 'Bad parameters: you must choose at least one stream' },
    ]);
  });

  it('prefixes RFC 3339 nanosecond timestamps and selects lines by since/until', async () => {
    const c = plex();
    const body = await docker()
      .getContainer('binhex-plexpass')
      .logs({ stdout: true, stderr: true, timestamps: true, tail: 3 });
    expect(frames(body).map((f) => f.text)).toEqual(c.logs.slice(-3).map((l) => `${l.time} ${l.line}\n`));
    expect(frames(body)[0]?.text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /);

    const crashAt = '2025-06-20T09:14:02.500000000Z';
    c.logs.push(...plexCrashLogs(crashAt));
    const since = Date.parse(crashAt) / 1000 - 1;
    const recent = await docker().getContainer('binhex-plexpass').logs({ stdout: true, stderr: true, since });
    const text = frames(recent).map((f) => f.text);
    expect(text).toHaveLength(plexCrashLogs(crashAt).length);
    expect(text.join('')).toContain('****** PLEX MEDIA SERVER CRASHED, CRASH REPORT WRITTEN:');
    const until = await docker()
      .getContainer('binhex-plexpass')
      .logs({ stdout: true, stderr: true, since, until: since + 5 });
    expect(frames(until).length).toBeLessThan(text.length);
  });

  it('follow:true resolves with the response stream; it ends for a stopped container and stays open for a running one', async () => {
    const c = plex();
    Object.assign(c, { state: 'exited', exitCode: 139, finishedAt: '2025-06-20T09:14:21.000000000Z' });
    const ended = await docker()
      .getContainer('binhex-plexpass')
      .logs({ follow: true, stdout: true, stderr: true, tail: 5 });
    expect(Buffer.isBuffer(ended)).toBe(false);
    const { stdout } = await demux(docker(), ended);
    expect(stdout).toBe(joined(c.logs.slice(-5), 'stdout'));

    c.state = 'running';
    const live = (await docker()
      .getContainer('binhex-plexpass')
      .logs({ follow: true, stdout: true, stderr: true, tail: 2 })) as IncomingMessage;
    const [chunk] = (await once(live, 'data')) as [Buffer];
    expect(frames(chunk)).toHaveLength(2);
    expect(live.readableEnded).toBe(false);
    live.destroy();
  });
});

describe('failures', () => {
  it("socket-proxy mode refuses restart with HAProxy's 403 page while reads still work", async () => {
    fake.readOnly = true;
    const docker = client(fake, 'tcp');
    const error = await docker
      .getContainer('binhex-plexpass')
      .restart()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 403, reason: undefined });
    expect((error as Error).message).toContain(
      '(HTTP code 403) unexpected - <html><body><h1>403 Forbidden</h1>',
    );
    expect(Buffer.isBuffer((error as { json: unknown }).json)).toBe(true);
    expect(fake.restarts).toEqual([]);
    expect(plex().state).toBe('running');
    await expect(docker.getContainer('binhex-plexpass').inspect()).resolves.toMatchObject({
      Id: PLEX_CONTAINER_ID,
    });
  });

  it('down is a stopped daemon: ENOENT on the socket, ECONNREFUSED on TCP, until it comes back', async () => {
    const unix = client(fake, 'unix');
    const tcp = client(fake, 'tcp');
    await Promise.all([unix.ping(), tcp.ping()]); // leaves keep-alive sockets in the agent's pool
    fake.failure = { kind: 'down' };
    // A request on a socket pooled while the daemon was up fails on that socket first, as after a real
    // dockerd stop: EPIPE on the unix socket, "socket hang up" over TCP.
    const pooled = await Promise.all([
      unix.ping().catch((e: unknown) => e),
      tcp.ping().catch((e: unknown) => e),
    ]);
    expect(pooled.map((e) => (e as NodeJS.ErrnoException).code)).toEqual([
      expect.stringMatching(/^(EPIPE|ECONNRESET)$/),
      expect.stringMatching(/^(EPIPE|ECONNRESET)$/),
    ]);
    await expect(unix.ping()).rejects.toMatchObject({
      code: 'ENOENT',
      syscall: 'connect',
      message: `connect ENOENT ${fake.socketPath}`,
    });
    await expect(tcp.getContainer('binhex-plexpass').inspect()).rejects.toMatchObject({
      code: 'ECONNREFUSED',
      message: `connect ECONNREFUSED 127.0.0.1:${fake.port}`,
    });
    expect(fake.requests).toHaveLength(2); // nothing reached the engine while it was down
    fake.failure = { kind: 'none' };
    expect((await unix.ping()).toString()).toBe('OK');
    await expect(tcp.getContainer('binhex-plexpass').inspect()).resolves.toMatchObject({
      Id: PLEX_CONTAINER_ID,
    });
  });

  it('status, malformed and slow apply to every route', async () => {
    const docker = client(fake, 'unix');
    fake.failure = { kind: 'status', status: 500 };
    await expect(docker.getContainer('binhex-plexpass').inspect()).rejects.toMatchObject({
      statusCode: 500,
      reason: 'server error',
      message: '(HTTP code 500) server error - Internal Server Error ',
    });
    // A 200 that is not JSON is not an error to dockerode: inspect resolves with the raw Buffer.
    fake.failure = { kind: 'malformed' };
    const cut: unknown = await docker.getContainer('binhex-plexpass').inspect();
    expect(Buffer.isBuffer(cut)).toBe(true);
    expect(String(cut)).toMatch(/^\{"Id":"f3a91c0d/);

    fake.failure = { kind: 'slow', delayMs: 400 };
    const impatient = client(fake, 'unix', { timeout: 100 });
    await expect(impatient.getContainer('binhex-plexpass').inspect()).rejects.toMatchObject({
      code: 'ECONNRESET',
      message: 'socket hang up',
    });
    const started = Date.now();
    await docker.ping();
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
  });
});

describe('engine', () => {
  it('honours /vX.YY prefixes like moby: 1.47 and older work, newer is refused, unknown paths are 404', async () => {
    const pinned = client(fake, 'unix', { version: 'v1.41' });
    const old = await pinned.getContainer('binhex-plexpass').logs({ stdout: true, tail: 1 });
    expect(frames(old)).toHaveLength(1);
    expect(fake.requests.at(-1)?.path).toBe('/v1.41/containers/binhex-plexpass/logs');
    const old41 = await fetch(`${fake.url}/v1.41/containers/binhex-plexpass/logs?stdout=1&tail=1`);
    expect(old41.headers.get('content-type')).toBe('application/vnd.docker.raw-stream');

    const future = client(fake, 'unix', { version: 'v1.99' });
    await expect(future.version()).rejects.toMatchObject({
      statusCode: 400,
      json: { message: 'client version 1.99 is too new. Maximum supported API version is 1.47' },
    });
    const version = await client(fake, 'tcp').version();
    expect(version).toMatchObject({
      Version: '27.5.1',
      ApiVersion: '1.47',
      MinAPIVersion: '1.24',
      Os: 'linux',
    });

    const unknown = await fetch(`${fake.url}/v1.47/images/json`);
    expect([unknown.status, await unknown.json()]).toEqual([404, { message: 'page not found' }]);
    const ping = await fetch(`${fake.url}/_ping`);
    expect([ping.status, await ping.text(), ping.headers.get('server')]).toEqual([
      200,
      'OK',
      'Docker/27.5.1 (linux)',
    ]);
  });

  it('lists running containers, or all with all=1, filtered by name regexp and status', async () => {
    fake.containers.set(
      'binhex-sonarr',
      plexContainer({
        name: 'binhex-sonarr',
        id: 'c'.repeat(64),
        image: 'binhex/arch-sonarr',
        state: 'exited',
        exitCode: 0,
      }),
    );
    const docker = client(fake, 'tcp');
    expect((await docker.listContainers()).map((c) => c.Names)).toEqual([['/binhex-plexpass']]);
    const all = await docker.listContainers({ all: true, filters: { name: ['binhex-'] } });
    expect(all.map((c) => [c.Names[0], c.State])).toEqual([
      ['/binhex-plexpass', 'running'],
      ['/binhex-sonarr', 'exited'],
    ]);
    expect(all[0]?.Status).toMatch(/^Up \d+ (days|weeks|months|years) \(healthy\)$/);
    expect(all[1]?.Status).toMatch(/^Exited \(0\) \d+ \w+ ago$/);
    const exited = await docker.listContainers({ filters: { status: ['exited'] } });
    expect(exited.map((c) => c.Id)).toEqual(['c'.repeat(64)]);
    expect(fake.requests.at(-1)?.query).toEqual({ filters: '{"status":["exited"]}' });
  });

  it('reports a stopped container as Docker does: no PID, last exit code, health forced to unhealthy', async () => {
    Object.assign(plex(), {
      state: 'exited',
      exitCode: 137,
      oomKilled: true,
      finishedAt: '2025-06-20T09:14:21.000000000Z',
    });
    const info = await client(fake, 'unix').getContainer('binhex-plexpass').inspect();
    expect(info.State).toMatchObject({
      Status: 'exited',
      Running: false,
      Pid: 0,
      ExitCode: 137,
      OOMKilled: true,
    });
    expect(info.State.Health?.Status).toBe('unhealthy');
  });
});

describe('plexContainer', () => {
  it('is a realistic binhex-plexpass with about 600 log lines in order, on both streams, some coloured', () => {
    const c = plexContainer();
    expect(c).toMatchObject({
      name: 'binhex-plexpass',
      image: 'binhex/arch-plexpass',
      state: 'running',
      tty: false,
    });
    expect(c.id).toMatch(/^[0-9a-f]{64}$/);
    expect(c.logs.length).toBeGreaterThan(550);
    expect(c.logs.length).toBeLessThan(650);
    const times = c.logs.map((l) => l.time ?? '');
    expect(times).toEqual([...times].sort());
    expect(new Set(c.logs.map((l) => l.stream))).toEqual(new Set(['stdout', 'stderr']));
    expect(c.logs.filter((l) => ANSI.test(l.line)).length).toBeGreaterThan(3);
    expect(c.logs[0]?.line).toBe('Created by...');
    expect(plexContainer().logs).toEqual(c.logs); // deterministic
  });
});
