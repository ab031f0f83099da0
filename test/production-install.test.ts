import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeDiscord } from '../fakes/discord/index.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';
import {
  botEnv,
  localPrebuilds,
  NPM_NETWORK_ERROR,
  npmCause,
  run,
  stageApp,
  startBuiltBot,
  withoutNpmSettings,
} from './helpers/built-bot.ts';

// What the Docker image does, without Docker: compile to dist/, install with `npm ci --omit=dev` (install
// scripts as package.json's allowScripts decides), then run the built bot, its health check and
// deploy-commands with production dependencies only. A devDependency imported at run time fails here.

describe('the production install', () => {
  it('builds, installs without devDependencies, starts from dist/, passes the health check and stops on SIGTERM', async (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), 'autoalex-production-'));
    const discord = await startFakeDiscord();
    const tautulli = await startTautulliFake();
    try {
      const { app, lock } = await stageApp(dir);
      // The build holds the bot and the deploy script only: no tests, fakes, demo or benchmarks.
      for (const dev of ['test', 'fakes', 'bench', 'scripts/demo.js'])
        expect(existsSync(join(app, 'dist', dev)), `dist/${dev} was built`).toBe(false);
      expect(existsSync(join(app, 'dist/scripts/deploy-commands.js'))).toBe(true);
      const prebuilds = await localPrebuilds(dir, lock);
      const install = await run(
        'npm',
        ['ci', '--omit=dev', '--ignore-scripts=false', '--no-audit', '--no-fund'],
        app,
        {
          ...withoutNpmSettings(),
          ...(prebuilds ? { npm_config_better_sqlite3_local_prebuilds: prebuilds } : {}),
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
        ...botEnv({ discord, tautulli, tautulliApiKey: FAKE_TAUTULLI_API_KEY }, join(dir, 'config')),
      };
      const deployed = await run(process.execPath, ['dist/scripts/deploy-commands.js'], app, env);
      expect(deployed.code, deployed.stderr).toBe(0);
      expect(deployed.stdout).toContain('Registered /alex');
      const afterDeploy = discord.requests.length;

      const bot = startBuiltBot(process.execPath, app, env);
      let stopped: Awaited<ReturnType<typeof bot.stop>> | undefined;
      try {
        expect(await bot.ready, `the bot did not connect:\n${bot.output.join('\n')}\n${bot.stderr()}`).toBe(
          true,
        );
        const heartbeat = join(env.DATA_DIR, 'heartbeat');
        for (let i = 0; i < 100 && !existsSync(heartbeat); i++) await new Promise((r) => setTimeout(r, 50));
        const healthy = await run(process.execPath, ['dist/src/healthcheck.js'], app, env);
        expect(healthy.code, healthy.stdout).toBe(0);
        expect(healthy.stdout).toMatch(/^healthy: connected to Discord/);
        // At start the bot checks /alex against Discord's copy: just deployed, so it reads and leaves it.
        for (let i = 0; i < 100 && !bot.output.some((l) => l.includes('/alex is already registered')); i++)
          await new Promise((r) => setTimeout(r, 50));
        const commandCalls = discord.requests
          .slice(afterDeploy)
          .filter((r) => r.path.endsWith(`/guilds/${discord.guildId}/commands`))
          .map((r) => r.method);
        expect(commandCalls).toEqual(['GET']);
      } finally {
        stopped = await bot.stop();
      }
      expect(stopped, 'the bot did not exit within 15 s of SIGTERM').toEqual({ code: 0, signal: null });
      expect(bot.output.join('\n')).toContain('shutting down');
      expect(bot.stderr()).toBe('');
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
