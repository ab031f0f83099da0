import { usageReply } from '../components/usage.ts';
import type { Command } from './types.ts';

/** `/alex usage`: live streams from Tautulli, with Refresh and (for admins) a way to stop a stream. */
export const usage: Command = {
  name: 'usage',
  description: 'Show what is playing on Plex right now',
  options: [],
  examples: ['/alex usage', '!alex usage', '!plex usage'],
  run: (_args, ctx) => usageReply(ctx, ctx.caller.isAdmin && ctx.transport !== 'cli'),
};
