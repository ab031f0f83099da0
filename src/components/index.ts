import { compareComponents } from './compare.ts';
import { completionComponents } from './completion.ts';
import { enrichComponents } from './enrich.ts';
import { monitorComponents } from './monitor.ts';
import type { ComponentHandler } from './types.ts';
import { usageComponents } from './usage.ts';

/** custom_id namespace → the module that built the component; routing is one map lookup. */
export const COMPONENT_HANDLERS: ReadonlyMap<string, ComponentHandler> = new Map(
  [usageComponents, completionComponents, compareComponents, monitorComponents, enrichComponents].map(
    (handler) => [handler.namespace, handler],
  ),
);
