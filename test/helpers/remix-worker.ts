// `autoalex worker` as production runs it: `node dist/src/index.js worker` from a tsc build (Node's own ESM
// loader, not tsx: how bullmq and ioredis import there is part of what is tested), as a real process a test
// can SIGKILL the way a crash or the OOM killer would.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT, stageApp } from './built-bot.ts';

/**
 * The app built as the image holds it (stageApp), in a folder inside node_modules/.cache so the built files
 * resolve this checkout's dependencies and no linter sees them. Returns the app folder, and how to remove it.
 */
export async function buildApp(): Promise<{ app: string; remove(): void }> {
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'node_modules/.cache/autoalex-worker-'));
  const { app } = await stageApp(dir);
  return { app, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface WorkerProcess {
  pid: number;
  /** Resolves once the worker takes jobs; rejects when it exits first or takes over 30 s. */
  ready: Promise<void>;
  output: string[];
  /** SIGKILL, and the exit. */
  kill(): Promise<void>;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
}

/** `node --enable-source-maps dist/src/index.js worker` in `app` (from buildApp). */
export function startWorker(app: string, env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', join(app, 'dist/src/index.js'), 'worker'], {
    cwd: app,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => output.push(line));
  }
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready:\n${output.join('\n')}`)), 30_000);
    const check = setInterval(() => {
      if (output.some((line) => line.includes('remix worker ready'))) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before it was ready:\n${output.join('\n')}`));
    });
  });
  ready.catch(() => undefined);
  return {
    pid: child.pid ?? 0,
    ready,
    output,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The parent of a process, from /proc (Linux): which worker ran a Demucs call. */
export function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
