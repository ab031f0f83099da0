import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.ts';
import type { Logger } from '../../src/logger.ts';

/** A real pino logger whose output is kept in memory, so tests can assert on (and scan) every line. */
export function captureLogger(
  secrets: readonly string[] = [],
  level = 'debug',
): { logger: Logger; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({ level, secrets, destination });
  return { logger, text: () => chunks.join('') };
}
