// The real Docker engine for the *.docker.test.ts tiers: the one DOCKER_HOST names (.ci/run starts a private
// one with scripts/ci/engine.sh). Without an engine that answers, those tiers are skipped, loudly, with the reason.

import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname;
/** Kept between runs when the machine keeps it (.ci/run: /var/cache/autoalex-ci); rebuilt otherwise. */
export const CACHE_DIR = process.env.AUTOALEX_CACHE_DIR ?? join(ROOT, 'node_modules/.cache/autoalex');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * The `docker` CLI on PATH against DOCKER_HOST. Builds use the legacy builder on purpose (DOCKER_BUILDKIT=0):
 * it is what a CLI without buildx falls back to, and it builds every stage up to the target, so a build of
 * `--target small` that reached the remix stages would fail here (PyPI is unreachable).
 */
export function docker(
  args: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      'docker',
      args,
      {
        env: { ...process.env, DOCKER_BUILDKIT: '0', ...options.env },
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

/** A script of scripts/ci/ (they talk to DOCKER_HOST and cache in CACHE_DIR); its last stdout line is its answer. */
export function ciScript(name: string, timeoutMs: number): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      join(ROOT, 'scripts/ci', name),
      [],
      {
        cwd: ROOT,
        env: { ...process.env, AUTOALEX_CACHE_DIR: CACHE_DIR },
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: stdout.trim().split('\n').at(-1) ?? '', stderr, ms: Date.now() - started });
      },
    );
  });
}

/** Why no engine can be used, or undefined when one answers. Never falls back to the host's default socket. */
export async function noEngineReason(): Promise<string | undefined> {
  const host = process.env.DOCKER_HOST;
  if (!host) return 'DOCKER_HOST is not set (.ci/run starts a private engine with scripts/ci/engine.sh)';
  const version = await docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 15_000 });
  if (version.code !== 0)
    return `no Docker engine answers at DOCKER_HOST=${host}: ${version.stderr.trim().split('\n')[0]}`;
  return undefined;
}

export function announceSkip(tier: string, reason: string): void {
  console.warn(`\n!!!!! SKIPPED: ${tier} was NOT tested: ${reason} !!!!!\n`);
}

/** A name for a container this run creates, so cleanup removes only ours. */
export const containerName = (what: string) => `autoalex-test-${process.pid}-${what}`;

/** Removes the containers this process created. */
export async function removeOurContainers(): Promise<void> {
  const ours = await docker(['ps', '-aq', '--filter', `name=autoalex-test-${process.pid}-`]);
  const ids = ours.stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await docker(['rm', '-f', '-v', ...ids]);
}

export async function waitUntil<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
