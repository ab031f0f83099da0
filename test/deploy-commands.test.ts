import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSlashDefinition } from '../src/bot/definition.ts';
import { COMMANDS } from '../src/commands/index.ts';
import { startFakeDiscord } from '../fakes/discord/index.ts';
import type { FakeDiscord } from '../fakes/discord/index.ts';

const run = promisify(execFile);
let discord: FakeDiscord;

beforeAll(async () => {
  discord = await startFakeDiscord();
});
afterAll(() => discord.stop());

/** Runs the real script (`npm run deploy-commands` = tsx scripts/deploy-commands.ts) with only `env`. */
async function deploy(env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/deploy-commands.ts'],
      {
        env: { PATH: process.env.PATH ?? '', ...env },
        cwd: new URL('..', import.meta.url).pathname,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run deploy-commands', () => {
  it('PUTs exactly the built /alex definition to the guild, without opening a gateway session', async () => {
    const identifiesBefore = discord.identifies.length;
    const result = await deploy({
      DISCORD_TOKEN: discord.token,
      DISCORD_CLIENT_ID: discord.applicationId,
      DISCORD_GUILD_ID: discord.guildId,
      DISCORD_API_URL: discord.restApi,
    });
    expect(result.stdout).toContain(`Registered /alex for server ${discord.guildId}.`);
    expect(result.code).toBe(0);
    const put = await discord.waitForRequest(
      (r) =>
        r.method === 'PUT' &&
        r.path === `/applications/${discord.applicationId}/guilds/${discord.guildId}/commands`,
    );
    expect(put.auth).toBe(`Bot ${discord.token}`);
    expect(put.json).toEqual([JSON.parse(JSON.stringify(buildSlashDefinition(COMMANDS)))]);
    expect(put.json[0].options.map((o: { name: string }) => o.name)).toEqual(COMMANDS.map((c) => c.name));
    expect(discord.identifies.length).toBe(identifiesBefore);
    expect(discord.requests.filter((r) => r.path === '/gateway/bot')).toHaveLength(0);
  });

  it('registers globally when no guild is configured', async () => {
    const result = await deploy({
      DISCORD_TOKEN: discord.token,
      DISCORD_CLIENT_ID: discord.applicationId,
      DISCORD_API_URL: discord.restApi,
    });
    expect(result.stdout).toContain('Registered /alex for all servers (global).');
    await discord.waitForRequest(
      (r) => r.method === 'PUT' && r.path === `/applications/${discord.applicationId}/commands`,
    );
  });

  it('explains a rejected token without printing it', async () => {
    const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.wrong.token-value-that-must-not-leak';
    const result = await deploy({
      DISCORD_TOKEN: token,
      DISCORD_CLIENT_ID: discord.applicationId,
      DISCORD_API_URL: discord.restApi,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Discord rejected DISCORD_TOKEN (401)');
    expect(result.stdout + result.stderr).not.toContain(token);
  });

  it('lists missing settings in one message', async () => {
    const result = await deploy({});
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('DISCORD_TOKEN is required');
    expect(result.stderr).toContain('DISCORD_CLIENT_ID is required');
  });

  it('keeps every subcommand and option within Discord limits', () => {
    const json = buildSlashDefinition(COMMANDS);
    expect(json.options?.length).toBeLessThanOrEqual(25);
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
  });
});
