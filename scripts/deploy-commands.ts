import { deployCommands } from '../src/bot/deploy.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { loadDotEnv } from '../src/env-file.ts';

loadDotEnv();
try {
  const config = loadConfig(process.env, 'deploy');
  const { token, clientId, guildId, apiUrl } = config.discord;
  const result = await deployCommands({
    token: token as string,
    clientId: clientId as string,
    guildId,
    apiUrl,
  });
  console.log(`Registered /alex for ${result.scope}.`);
} catch (error) {
  if (error instanceof ConfigError) console.error(error.message);
  else {
    const status = (error as { status?: number }).status;
    console.error(
      status === 401
        ? 'Discord rejected DISCORD_TOKEN (401). Copy the bot token again from the Developer Portal.'
        : `Registering /alex failed: ${status ? `HTTP ${status}` : (error as Error).name}. Check DISCORD_CLIENT_ID and DISCORD_GUILD_ID.`,
    );
  }
  process.exitCode = 1;
}
