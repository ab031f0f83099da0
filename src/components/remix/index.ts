import type { CommandContext } from '../../context.ts';
import { resolveEntry } from '../../lookup/resolve.ts';
import type { Reply } from '../../reply.ts';
import { checkGain } from '../../services/remix/gain.ts';
import type { RemixMode } from '../../services/remix/gain.ts';
import { isStem } from '../../services/remix/stems.ts';
import type { Stem } from '../../services/remix/stems.ts';
import { pickerReply } from '../picker.ts';
import type { ComponentHandler, ComponentResult } from '../types.ts';
import { EXPIRED_REPLY } from '../types.ts';
import { runRemix } from './run.ts';
import { ids, MODE_CODE, modeOf, wizardReply } from './screens.ts';

function labelOf(ratingKey: string, ctx: CommandContext): string {
  return ctx.services.library.get(ratingKey)?.label ?? 'this track';
}

const gainOf = (db: string | undefined): number | undefined => (db === undefined ? undefined : Number(db));
/** A `start` from an id: whole seconds, or absent (anything else would be a forged id: ignored). */
const startOf = (start: string | undefined): number | undefined =>
  start !== undefined && /^\d{1,5}$/.test(start) ? Number(start) : undefined;

/**
 * `/alex boost|reduce` for typed text: a menu when several tracks match, the stem wizard when no stem was
 * given, else the remix itself. `typedDb` is what the user asked for (undefined = the mode's default);
 * `startS` where the CPU preview starts (undefined = the loudest part), carried through menu and wizard.
 */
export async function remixFor(
  mode: RemixMode,
  text: string,
  stem: Stem | undefined,
  typedDb: number | undefined,
  ctx: CommandContext,
  startS?: number,
): Promise<Reply> {
  const db = checkGain(mode, typedDb);
  const found = await resolveEntry('track', text, ctx);
  if ('choices' in found) {
    const id = ids.encode('track', { mode: MODE_CODE[mode], stem, db: typedDb, start: startS });
    return pickerReply(text, found.choices, id, 'track');
  }
  const { key, label } = found.entry;
  if (!stem) return wizardReply(key, label, { mode, db: typedDb === undefined ? undefined : db, startS });
  return runRemix(key, { stem, db }, ctx, startS);
}

/** `remix:stem|go|cancel|track:…`: the stem wizard, the remix buttons, Cancel, and the track picker. */
export const remixComponents: ComponentHandler = {
  namespace: ids.namespace,
  async handle(input, ctx): Promise<ComponentResult> {
    const cancel = ids.decode(input, 'cancel');
    if (cancel) {
      const outcome = ctx.services.remix.cancel(cancel.jobId ?? '', ctx.caller.id);
      if (outcome === 'cancelled') return { done: true };
      const content =
        outcome === 'not-yours'
          ? 'Only the person who asked for this remix can cancel it.'
          : 'This remix has already finished or was cancelled.';
      return { reply: { content, ephemeral: true } };
    }
    const menu = ids.decode(input, 'stem');
    if (menu) {
      const stem = input.values[0];
      if (!isStem(stem)) return { reply: EXPIRED_REPLY };
      const ratingKey = menu.ratingKey ?? '';
      const wizard = wizardReply(ratingKey, labelOf(ratingKey, ctx), {
        stem,
        mode: modeOf(menu.mode),
        db: gainOf(menu.db),
        startS: startOf(menu.start),
      });
      // Under a finished remix the menu starts a new message, so the MP3 above stays.
      return menu.origin === 'r' ? { reply: wizard } : { update: wizard };
    }
    const go = ids.decode(input, 'go');
    if (go) {
      const db = Number(go.db);
      if (!isStem(go.stem) || !Number.isFinite(db)) return { reply: EXPIRED_REPLY };
      const recipe = { stem: go.stem, db: checkGain(db > 0 ? 'boost' : 'reduce', db) };
      return { update: await runRemix(go.ratingKey ?? '', recipe, ctx, startOf(go.start)) };
    }
    const track = ids.decode(input, 'track');
    if (track) {
      const ratingKey = input.values[0] ?? '';
      const preset = {
        mode: modeOf(track.mode),
        db: gainOf(track.db),
        stem: isStem(track.stem) ? track.stem : undefined,
        startS: startOf(track.start),
      };
      if (!preset.stem || !preset.mode)
        return { update: wizardReply(ratingKey, labelOf(ratingKey, ctx), preset) };
      const recipe = { stem: preset.stem, db: checkGain(preset.mode, preset.db) };
      return { update: await runRemix(ratingKey, recipe, ctx, preset.startS) };
    }
    return { reply: EXPIRED_REPLY };
  },
};
