#!/usr/bin/env node
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../config.ts';
import { loadDotEnv } from '../env-file.ts';
import { createLogger } from '../logger.ts';
import { replyToJson, replyToText } from '../reply-text.ts';
import { runCommandLine } from './run-command.ts';
import { createServices } from '../services/index.ts';
import { runWorker } from '../worker.ts';

const USAGE = `Usage: autoalex <subcommand> [--option value] [--json]

Runs an /alex subcommand against the servers configured in the environment (or ./.env)
and prints the reply. Examples:
  autoalex usage
  autoalex usage --json
  autoalex help
  autoalex worker     a remix worker: separates tracks queued at REMIX_QUEUE_URL (README "A GPU elsewhere")`;

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    console.log(USAGE);
    return 0;
  }
  const json = argv.includes('--json');
  const words = argv.filter((a) => a !== '--json');
  loadDotEnv();
  let config;
  try {
    config = loadConfig(process.env, 'cli');
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  // Logs go to stderr so stdout carries only the reply (pipe-friendly with --json).
  const logger = createLogger({
    level: process.env.LOG_LEVEL ?? 'warn',
    secrets: config.secrets,
    destination: pino.destination({ dest: 2, sync: true }),
  });
  const services = createServices(config, logger);
  const quoted = words.map((w) => (/\s/.test(w) ? `"${w}"` : w)).join(' ');
  const { reply, ok } = await runCommandLine(quoted, { config, services, logger });
  console.log(json ? replyToJson(reply) : replyToText(reply));
  return ok ? 0 : 1;
}

if (process.argv[2] === 'worker') await runWorker();
else process.exitCode = await main(process.argv.slice(2));
