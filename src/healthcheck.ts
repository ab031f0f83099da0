#!/usr/bin/env node
import { ConfigError, loadConfig } from './config.ts';
import { loadDotEnv } from './env-file.ts';
import { judgeHeartbeat } from './heartbeat.ts';

/**
 * The Docker HEALTHCHECK: exits 0 when the bot's heartbeat is fresh and says it is connected to Discord,
 * 1 otherwise, and prints why (Docker keeps the output for `docker inspect`). It reads the configuration the
 * same way the bot does, so both agree on DATA_DIR; it never prints a setting's value.
 */
function main(): number {
  loadDotEnv();
  let dataDir: string;
  try {
    dataDir = loadConfig(process.env, 'bot').dataDir;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.log(`unhealthy: ${error.message}`);
      return 1;
    }
    throw error;
  }
  const verdict = judgeHeartbeat(dataDir, Date.now());
  console.log(`${verdict.healthy ? 'healthy' : 'unhealthy'}: ${verdict.reason}`);
  return verdict.healthy ? 0 : 1;
}

process.exitCode = main();
