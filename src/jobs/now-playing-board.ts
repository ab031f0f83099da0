import { activityReply } from '../components/usage.ts';
import { describeFailure, UpstreamError } from '../errors.ts';
import type { UpstreamErrorKind } from '../errors.ts';
import type { Reply } from '../reply.ts';
import {
  BOARD_HEADER,
  boardDownReply,
  boardHash,
  boardReply,
  presenceText,
} from '../views/now-playing-board.ts';
import type { DiscordActions, Job, JobContext } from './types.ts';

/** How many of the channel's latest messages to search for the board when the database has no record. */
const SCAN_LIMIT = 50;
/**
 * The least time the scheduler waits for one tick: its Tautulli calls end with UPSTREAM_TIMEOUT, but
 * Discord may hold an edit back for its rate limits; only a tick hung past this is left behind.
 */
const TICK_DEADLINE_MS = 60_000;

export interface NowPlayingBoard extends Job {
  /** Stops for good: waits for a tick in flight; after it resolves, nothing is posted or edited. */
  stop(): Promise<void>;
}

/**
 * The live now-playing board (ACTIVITY_CHANNEL_ID): ONE message showing what `/alex usage` shows, checked
 * every ACTIVITY_REFRESH_SECONDS and edited only when what readers see changed; posted again if someone
 * deleted it; found again after a restart (database first, then the channel) instead of posted anew.
 * The bot's presence shows the stream count, updated only when it changes.
 */
export function createNowPlayingBoard(): NowPlayingBoard {
  let messageId: string | undefined;
  let searched = false;
  let shownHash: string | undefined;
  let down: { since: number; reason: string; kind: UpstreamErrorKind | undefined } | undefined;
  let presence: string | null | undefined;
  let stopped = false;
  let inFlight: Promise<void> | undefined;
  /** The latest tick's number: a tick the scheduler stopped waiting for must not edit after a newer one. */
  let latest = 0;

  async function render(ctx: JobContext): Promise<{ reply: Reply; presence: string | null }> {
    try {
      const activity = await ctx.services.tautulli.getActivity();
      const usage = await activityReply(activity, ctx, false);
      down = undefined;
      return {
        reply: boardReply(usage, activity, ctx.config.activity.refreshS),
        presence: presenceText(activity),
      };
    } catch (error) {
      // The first failure's time and words stay for the whole outage: one edit (and one log line) for it.
      down ??= {
        since: Date.now(),
        reason: describeFailure(error, ctx.logger),
        kind: error instanceof UpstreamError ? error.kind : undefined,
      };
      return { reply: boardDownReply(down.reason, down.since, down.kind), presence: null };
    }
  }

  async function previousBoard(ctx: JobContext, discord: DiscordActions, channelId: string) {
    const stored = recall(ctx, channelId);
    if (stored) return stored;
    try {
      const mine = await discord.ownRecentMessages(channelId, SCAN_LIMIT);
      return mine.find((m) => m.content.startsWith(BOARD_HEADER))?.id;
    } catch (error) {
      ctx.logger.warn({ err: error, channelId }, 'cannot read the board channel; posting a new board');
      return undefined;
    }
  }

  async function tick(ctx: JobContext): Promise<void> {
    const channelId = ctx.config.activity.channelId;
    const { discord } = ctx;
    const mine = ++latest;
    const gone = () => stopped || mine !== latest;
    if (!channelId || !discord || gone()) return;
    const view = await render(ctx);
    if (gone()) return;
    if (view.presence !== presence) {
      discord.setPresence(view.presence);
      presence = view.presence;
    }
    const hash = boardHash(view.reply);
    if (hash === shownHash) return;
    if (!searched) {
      messageId = await previousBoard(ctx, discord, channelId);
      searched = true;
      if (gone()) return;
    }
    if (messageId && (await discord.edit(channelId, messageId, view.reply))) {
      shownHash = hash;
      return;
    }
    if (gone()) return;
    // Never posted, or deleted by someone: post it (again) and remember it across restarts.
    const posted = await ctx.notify(channelId, view.reply);
    if (!posted) return; // notify logged why; the next tick tries again
    messageId = posted;
    shownHash = hash;
    remember(ctx, channelId, posted);
  }

  return {
    name: 'now-playing-board',
    pattern: (config) => (config.activity.channelId ? { everySeconds: config.activity.refreshS } : null),
    deadlineMs: (config) => Math.max(TICK_DEADLINE_MS, 4 * config.upstreamTimeoutMs),
    run(ctx) {
      const current = tick(ctx).finally(() => {
        if (inFlight === current) inFlight = undefined;
      });
      inFlight = current;
      return current;
    },
    async stop() {
      stopped = true;
      await inFlight?.catch(() => undefined);
    },
  };
}

/** The database is a convenience here: without it the board still works, it is only found by searching. */
function recall(ctx: JobContext, channelId: string): string | undefined {
  try {
    return ctx.services.store.getBoardMessage(channelId);
  } catch (error) {
    ctx.logger.warn({ err: error }, 'cannot read the board message id from the database');
    return undefined;
  }
}

function remember(ctx: JobContext, channelId: string, messageId: string): void {
  try {
    ctx.services.store.setBoardMessage(channelId, messageId);
  } catch (error) {
    ctx.logger.warn({ err: error }, 'cannot save the board message id; a restart will search for it');
  }
}
