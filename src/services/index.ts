import type { Config } from '../config.ts';
import { UserFacingError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { createTautulliService } from './tautulli.ts';
import type { TautulliService } from './tautulli.ts';

/** Every upstream client the commands use; built once from validated config. */
export interface Services {
  tautulli: TautulliService;
}

function notConfigured(what: string, keys: string): never {
  throw new UserFacingError(`${what} is not configured on this bot: an admin needs to set ${keys}.`);
}

/** The composition root: the only place that turns config into clients. */
export function createServices(config: Config, logger: Logger): Services {
  const { url, apiKey } = config.tautulli;
  const tautulli: TautulliService =
    url && apiKey
      ? createTautulliService({ baseUrl: url, apiKey, timeoutMs: config.upstreamTimeoutMs, logger })
      : {
          getActivity: () => notConfigured('Tautulli', 'TAUTULLI_URL and TAUTULLI_API_KEY'),
          terminateSession: () => notConfigured('Tautulli', 'TAUTULLI_URL and TAUTULLI_API_KEY'),
          getImage: async () => null,
        };
  return { tautulli };
}
