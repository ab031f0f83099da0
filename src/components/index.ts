import { compareComponents } from './compare.ts';
import { completionComponents } from './completion.ts';
import { enrichComponents } from './enrich.ts';
import { leaderboardComponents } from './leaderboard.ts';
import { monitorComponents } from './monitor.ts';
import { remixComponents } from './remix/index.ts';
import type { ComponentHandler } from './types.ts';
import { usageComponents } from './usage.ts';

/** custom_id namespace → the module that built the component; routing is one map lookup. */
export const COMPONENT_HANDLERS: ReadonlyMap<string, ComponentHandler> = new Map(
  [
    usageComponents,
    completionComponents,
    compareComponents,
    leaderboardComponents,
    monitorComponents,
    enrichComponents,
    remixComponents,
  ].map((handler) => [handler.namespace, handler]),
);
