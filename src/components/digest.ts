import type { CommandContext } from '../context.ts';
import type { Reply } from '../reply.ts';
import { buildDigest } from '../services/listening/digest.ts';
import { parsePeriod } from '../services/listening/period.ts';
import type { Period } from '../services/listening/period.ts';
import { digestEmbed, periodLabel } from '../views/digest.ts';

/** The digest message for a period; `label` overrides the period's own name (the schedule says "since …"). */
export async function digestReply(
  services: CommandContext['services'],
  period: Period,
  label = periodLabel(period.name),
): Promise<Reply> {
  const digest = await buildDigest(services, period);
  return { embeds: [digestEmbed(digest, label)] };
}

/** `/alex digest [period]`: the digest on demand (default: this week). */
export function digestFor(periodText: string | undefined, ctx: CommandContext): Promise<Reply> {
  return digestReply(ctx.services, parsePeriod(periodText ?? 'week', ctx.config.timeZone));
}
