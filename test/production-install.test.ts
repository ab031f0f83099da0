import { execFile, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { startFakeDiscord } from '../fakes/discord/index.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';

// What the Docker image does, without Docker: compile to dist/, install with `npm ci --omit=dev` (install
// scripts as package.json's allowScripts decides), then run the built bot, its health check and
// deploy-commands with production dependencies only. A devDependency imported at run time fails here.

const ROOT = new URL('..', import.meta.url).pathname;
const NPM_NETWORK_ERROR =
  /npm error code (ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH)\b/;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const tail = (text: string) => text.split('\n').slice(-30).join('\n');
/** `npm test` hands its own npm_* settings to child processes; the install gets a clean slate instead. */
function withoutNpmSettings(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

/** npm prints the cause first and its usage text after it: keep the cause. */
const npmCause = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => !line.startsWith('npm warn'))
    .slice(0, 12)
    .join('\n');

/**
 * better-sqlite3's install script fetches a prebuilt addon from GitHub and compiles SQLite (about two minutes
 * on two cores) when it cannot. This machine reaches only the npm registry, so the script is handed the addon
 * this checkout already built for the same version and Node ABI, through prebuild-install's documented
 * local-prebuilds folder. The install script still runs; only the download is replaced.
 */
function localPrebuilds(dir: string, lock: { packages: Record<string, { version?: string }> }) {
  const version = lock.packages['node_modules/better-sqlite3']?.version;
  const installed = join(ROOT, 'node_modules/better-sqlite3');
  const addon = join(installed, 'build/Release/better_sqlite3.node');
  const ours = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { version: string };
  if (!version || ours.version !== version || !existsSync(addon)) return {};
  const folder = join(dir, 'prebuilds');
  mkdirSync(join(folder, 'build/Release'), { recursive: true });
  copyFileSync(addon, join(folder, 'build/Release/better_sqlite3.node'));
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  return { folder, name };
}

describe('the production install', () => {
  it('builds, installs without devDependencies, starts from dist/, passes the health check and stops on SIGTERM', async (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), 'autoalex-production-'));
    const discord = await startFakeDiscord();
    const tautulli = await startTautulliFake();
    try {
      const built = await run(
        process.execPath,
        [
          join(ROOT, 'node_modules/typescript/bin/tsc'),
          '-p',
          'tsconfig.build.json',
          '--outDir',
          join(dir, 'app/dist'),
        ],
        ROOT,
        process.env,
      );
      expect(built.code, tail(built.stdout + built.stderr)).toBe(0);
      // The build holds the bot and the deploy script only: no tests, fakes, demo or benchmarks.
      for (const dev of ['test', 'fakes', 'bench', 'scripts/demo.js'])
        expect(existsSync(join(dir, 'app/dist', dev)), `dist/${dev} was built`).toBe(false);
      expect(existsSync(join(dir, 'app/dist/scripts/deploy-commands.js'))).toBe(true);
      const app = join(dir, 'app');
      copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
      copyFileSync(join(ROOT, 'package-lock.json'), join(app, 'package-lock.json'));
      // As in the image: the card fonts sit beside dist/ (src/views/cards/fonts.ts walks up to them).
      if (existsSync(join(ROOT, 'assets')))
        cpSync(join(ROOT, 'assets'), join(app, 'assets'), { recursive: true });
      const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, { version?: string; dev?: boolean }>;
      };

      const prebuilds = localPrebuilds(dir, lock);
      if (prebuilds.folder) {
        const tar = await run('tar', ['-czf', prebuilds.name, 'build'], prebuilds.folder, process.env);
        expect(tar.code, tar.stderr).toBe(0);
      }
      const install = await run(
        'npm',
        ['ci', '--omit=dev', '--ignore-scripts=false', '--no-audit', '--no-fund'],
        app,
        {
          ...withoutNpmSettings(),
          ...(prebuilds.folder ? { npm_config_better_sqlite3_local_prebuilds: prebuilds.folder } : {}),
        },
      );
      if (install.code !== 0 && NPM_NETWORK_ERROR.test(install.stderr)) {
        console.warn(
          `\n!!!!! SKIPPED: the npm registry is unreachable, so the production install was NOT tested !!!!!\n${npmCause(install.stderr)}\n`,
        );
        ctx.skip();
      }
      expect(install.code, `npm ci --omit=dev failed:\n${npmCause(install.stderr)}`).toBe(0);
      const devOnly = Object.entries(lock.packages).filter(([path, entry]) => path && entry.dev);
      expect(devOnly.length).toBeGreaterThan(0);
      for (const [path] of devOnly)
        expect(existsSync(join(app, path)), `${path} is a devDependency`).toBe(false);
      expect(existsSync(join(app, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(
        true,
      );

      const env = {
        PATH: process.env.PATH,
        DISCORD_TOKEN: discord.token,
        DISCORD_CLIENT_ID: discord.applicationId,
        DISCORD_GUILD_ID: discord.guildId,
        DISCORD_API_URL: discord.restApi,
        TAUTULLI_URL: tautulli.url,
        TAUTULLI_API_KEY: FAKE_TAUTULLI_API_KEY,
        DATA_DIR: join(dir, 'config'),
        LOG_LEVEL: 'info',
      };
      const deployed = await run(process.execPath, ['dist/scripts/deploy-commands.js'], app, env);
      expect(deployed.code, deployed.stderr).toBe(0);
      expect(deployed.stdout).toContain('Registered /alex');
      const afterDeploy = discord.requests.length;

      const child = spawn(process.execPath, ['--enable-source-maps', 'dist/src/index.js'], {
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
      const ready = await new Promise<boolean>((resolve) => {
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
      try {
        expect(ready, `the bot did not connect:\n${output.join('\n')}\n${stderr}`).toBe(true);
        const heartbeat = join(env.DATA_DIR, 'heartbeat');
        for (let i = 0; i < 100 && !existsSync(heartbeat); i++) await new Promise((r) => setTimeout(r, 50));
        const healthy = await run(process.execPath, ['dist/src/healthcheck.js'], app, env);
        expect(healthy.code, healthy.stdout).toBe(0);
        expect(healthy.stdout).toMatch(/^healthy: connected to Discord/);
        // At start the bot checks /alex against Discord's copy: just deployed, so it reads and leaves it.
        for (let i = 0; i < 100 && !output.some((l) => l.includes('/alex is already registered')); i++)
          await new Promise((r) => setTimeout(r, 50));
        const commandCalls = discord.requests
          .slice(afterDeploy)
          .filter((r) => r.path.endsWith(`/guilds/${discord.guildId}/commands`))
          .map((r) => r.method);
        expect(commandCalls).toEqual(['GET']);
      } finally {
        child.kill('SIGTERM');
      }
      const stopped = await Promise.race([
        exited,
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000)),
      ]);
      expect(stopped, 'the bot did not exit within 15 s of SIGTERM').toEqual({ code: 0, signal: null });
      expect(output.join('\n')).toContain('shutting down');
      expect(stderr).toBe('');
      const after = await run(process.execPath, ['dist/src/healthcheck.js'], app, env);
      expect(after.code).toBe(1);
      expect(after.stdout).toMatch(/^unhealthy: the bot stopped at /);
    } finally {
      await discord.stop();
      await tautulli.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
