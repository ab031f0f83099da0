// The built bot as production runs it: dist/ compiled by tsc, production dependencies installed by `npm ci
// --omit=dev`, started with a given Node binary against the fake Discord and fake Tautulli. Used by the
// production install test (the Node running the tests) and the Node 26 parity test (the image's Node line).

import { execFile, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FakeDiscord, RecordedRequest } from '../../fakes/discord/index.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const NPM_NETWORK_ERROR =
  /npm error code (ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH)\b/;

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export const tail = (text: string, lines = 30) => text.split('\n').slice(-lines).join('\n');

/** `npm test` hands its own npm_* settings to child processes; an install gets a clean slate instead. */
export function withoutNpmSettings(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

/** npm prints the cause first and its usage text after it: keep the cause. */
export const npmCause = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => !line.startsWith('npm warn'))
    .slice(0, 12)
    .join('\n');

export interface Lockfile {
  packages: Record<string, { version?: string; dev?: boolean }>;
}

/**
 * dist/ (tsc with tsconfig.build.json) and what the image puts beside it: package.json, the lockfile and the
 * card fonts in assets/ (src/views/cards/fonts.ts walks up to them). Returns the app folder.
 */
export async function stageApp(dir: string): Promise<{ app: string; lock: Lockfile }> {
  const app = join(dir, 'app');
  const built = await run(
    process.execPath,
    [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      join(app, 'dist'),
    ],
    ROOT,
    process.env,
  );
  if (built.code !== 0) throw new Error(`tsc failed:\n${tail(built.stdout + built.stderr)}`);
  copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  copyFileSync(join(ROOT, 'package-lock.json'), join(app, 'package-lock.json'));
  if (existsSync(join(ROOT, 'assets')))
    cpSync(join(ROOT, 'assets'), join(app, 'assets'), { recursive: true });
  return { app, lock: JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as Lockfile };
}

/** The file name prebuild-install looks for in a local-prebuilds folder. */
export function prebuildName(version: string, abi: string): string {
  return `better-sqlite3-v${version}-node-v${abi}-${process.platform}-${process.arch}.tar.gz`;
}

/**
 * better-sqlite3's install script fetches a prebuilt addon from GitHub and compiles SQLite (about two minutes
 * on two cores) when it cannot. This machine reaches only the npm registry, so the script is handed an addon
 * already built for the same version and Node ABI, through prebuild-install's documented local-prebuilds
 * folder: `addon` (default: the one this checkout built, for the Node running the tests). The install script
 * still runs; only the download is replaced. Returns the folder, or nothing when no matching addon exists.
 */
export async function localPrebuilds(
  dir: string,
  lock: Lockfile,
  addon = join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
  abi = process.versions.modules,
): Promise<string | undefined> {
  const version = lock.packages['node_modules/better-sqlite3']?.version;
  const installed = join(ROOT, 'node_modules/better-sqlite3/package.json');
  const ours = JSON.parse(readFileSync(installed, 'utf8')) as { version: string };
  if (!version || ours.version !== version || !existsSync(addon)) return undefined;
  const folder = join(dir, 'prebuilds');
  mkdirSync(join(folder, 'build/Release'), { recursive: true });
  copyFileSync(addon, join(folder, 'build/Release/better_sqlite3.node'));
  const tar = await run('tar', ['-czf', prebuildName(version, abi), 'build'], folder, process.env);
  if (tar.code !== 0) throw new Error(tar.stderr);
  return folder;
}

export interface BotEnvFakes {
  discord: FakeDiscord;
  tautulli: { url: string };
  tautulliApiKey: string;
}

/** The bot's settings for the fakes: the required ones, the fake Discord's API, and a data folder. */
export function botEnv({ discord, tautulli, tautulliApiKey }: BotEnvFakes, dataDir: string) {
  return {
    DISCORD_TOKEN: discord.token,
    DISCORD_CLIENT_ID: discord.applicationId,
    DISCORD_GUILD_ID: discord.guildId,
    DISCORD_API_URL: discord.restApi,
    TAUTULLI_URL: tautulli.url,
    TAUTULLI_API_KEY: tautulliApiKey,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
  };
}

export interface RunningBot {
  /** True once the log says it connected to Discord; false if it exited or took over 30 s. */
  ready: Promise<boolean>;
  output: string[];
  stderr(): string;
  /** SIGTERM, then the exit (null when it did not exit within 15 s). */
  stop(): Promise<{ code: number | null; signal: string | null } | null>;
  /** SIGKILL, as a crash or the OOM killer ends it, then the exit. */
  kill(): Promise<{ code: number | null; signal: string | null }>;
}

/** `node --enable-source-maps dist/src/index.js` in `app`, as the image's CMD runs it. */
export function startBuiltBot(node: string, app: string, env: NodeJS.ProcessEnv): RunningBot {
  const child = spawn(node, ['--enable-source-maps', 'dist/src/index.js'], {
    cwd: app,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const output: string[] = [];
  const ready = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 30_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      if (line.includes('connected to Discord')) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    void exited.then(() => resolve(false));
  });
  return {
    ready,
    output,
    stderr: () => stderr,
    kill() {
      child.kill('SIGKILL');
      return exited;
    },
    stop() {
      child.kill('SIGTERM');
      return Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000))]);
    },
  };
}

/** `/alex usage` through the fake Discord: the acknowledgement, then the edit that carries the streams. */
export async function usageThroughDiscord(
  discord: FakeDiscord,
): Promise<{ callback: RecordedRequest; edit: RecordedRequest }> {
  const interaction = await discord.slashCommand({ name: 'alex', subcommand: 'usage' });
  const callback = await discord.waitForCallback(interaction.id, 10_000);
  const edit = await discord.waitForRequest(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/${interaction.token}/messages/@original`),
    10_000,
  );
  return { callback, edit };
}
