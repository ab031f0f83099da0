import { existsSync, readFileSync } from 'node:fs';

/** Autoalex's version from package.json (found from src/ when run with tsx and from dist/src/ when built). */
function readVersion(): string {
  for (const up of ['../package.json', '../../package.json']) {
    const url = new URL(up, import.meta.url);
    if (existsSync(url))
      return (JSON.parse(readFileSync(url, 'utf8')) as { version?: string }).version ?? '0.0.0';
  }
  return '0.0.0';
}

export const VERSION = readVersion();
