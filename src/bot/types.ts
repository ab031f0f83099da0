import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Services } from '../services/index.ts';

/** What the Discord adapters need: validated config, the service clients and the root logger. */
export interface BotDeps {
  config: Config;
  services: Services;
  logger: Logger;
  /**
   * The clock interaction tokens are measured against (default Date.now); tests share the fake Discord's,
   * so that 15 minutes can pass for both without waiting.
   */
  now?: () => number;
}
