import { Cron } from 'croner';
import { digestReply } from '../components/digest.ts';
import { localDay } from '../services/listening/period.ts';
import type { Job, JobContext } from './types.ts';

/** The last schedule slot (ms since epoch) whose digest reached Discord: survives restarts in the database. */
const SLOT_KEY = 'digest.lastSlot';
const WEEK_MS = 7 * 86_400_000;

export type DigestOutcome = 'posted' | 'already-posted' | 'baseline' | 'failed';

/** One run at a time per bot: the start-up catch-up and a scheduled run must not both post one slot. */
const running = new WeakMap<object, Promise<DigestOutcome>>();

/**
 * Posts the digest of the latest schedule slot unless it was already posted. At start-up this is the
 * catch-up: a slot missed while the bot was down is posted once (covering everything since the last
 * digest posted), and a slot already posted before a restart is not posted again. On a fresh install
 * the start-up only records where the schedule stands.
 */
export function postDigestIfDue(
  ctx: JobContext,
  trigger: 'schedule' | 'startup',
  now = new Date(),
): Promise<DigestOutcome> {
  const busy = running.get(ctx.services);
  if (busy) return busy.then(() => postDigestIfDue(ctx, trigger, now));
  const run = post(ctx, trigger, now).finally(() => running.delete(ctx.services));
  running.set(ctx.services, run);
  return run;
}

async function post(ctx: JobContext, trigger: 'schedule' | 'startup', now: Date): Promise<DigestOutcome> {
  const { config, services, logger } = ctx;
  const channelId = config.digest.channelId as string;
  const schedule = new Cron(config.digest.cron, { timezone: config.timeZone, paused: true });
  // The latest slot at or before now (a run fires on its slot; a second of slack for timer jitter).
  const [slot, previous] = schedule.previousRuns(2, new Date(now.getTime() + 1000));
  schedule.stop();
  if (!slot) return 'already-posted';
  const last = services.store.getState(SLOT_KEY);
  if (last !== undefined && Number(last) >= slot.getTime()) return 'already-posted';
  if (last === undefined && trigger === 'startup') {
    services.store.setState(SLOT_KEY, String(slot.getTime()));
    return 'baseline';
  }
  // Fresh numbers: finish the fill (or take one tick) before counting.
  await services.history.sync();
  const from = last !== undefined ? Number(last) : (previous?.getTime() ?? slot.getTime() - WEEK_MS);
  const period = { name: 'digest', from: Math.floor(from / 1000), to: Math.floor(slot.getTime() / 1000) };
  const label = `${localDay(period.from, config.timeZone)} to ${localDay(period.to - 1, config.timeZone)}`;
  const reply = await digestReply(services, period, label);
  const [embed] = reply.embeds ?? [];
  // The slots it spans, so a reader (and the restart test) can see that none is missed or repeated.
  const since = new Date(from).toISOString();
  if (embed) embed.footer = { text: `Scheduled digest · since ${since} · slot ${slot.toISOString()}` };
  const messageId = await ctx.notify(channelId, reply);
  if (!messageId) {
    logger.warn({ slot: slot.toISOString() }, 'digest not posted; the next start-up will try again');
    return 'failed';
  }
  services.store.setState(SLOT_KEY, String(slot.getTime()));
  logger.info({ slot: slot.toISOString(), trigger }, 'digest posted');
  return 'posted';
}

/** Posts the listening digest to DIGEST_CHANNEL_ID on DIGEST_CRON (default Monday 09:00), once per slot. */
export const digestJob: Job = {
  name: 'digest',
  pattern: (config) => (config.digest.channelId && config.tautulli.url ? config.digest.cron : null),
  async run(ctx) {
    await postDigestIfDue(ctx, 'schedule');
  },
  async startup(ctx) {
    const outcome = await postDigestIfDue(ctx, 'startup');
    ctx.logger.info({ outcome }, 'digest checked at start-up');
  },
};
