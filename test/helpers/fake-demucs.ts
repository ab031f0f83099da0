import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FAKE_DEMUCS = fileURLToPath(new URL('../../fakes/demucs/fake-demucs.mjs', import.meta.url));

/** What a test may change in the fake between runs (fakes/demucs/fake-demucs.mjs, FAKE_DEMUCS_CONTROL). */
export interface FakeDemucsSettings {
  mode?: 'ok' | 'missing-stem' | 'crash' | 'oom' | 'hang';
  stepMs?: number;
  speed?: number;
  pace?: number;
  minChunks?: number;
  log?: string;
}

/**
 * The fake Demucs as a bot runs it: the bot gives its children a minimal environment, so the fake's
 * settings come from a control file named on the command line (`env FAKE_DEMUCS_CONTROL=… fake-demucs.mjs`,
 * the way an admin would pass a variable to DEMUCS_COMMAND). `set` replaces the settings for the next run.
 */
export function fakeDemucs(dir: string, initial: FakeDemucsSettings = {}) {
  const file = join(dir, 'fake-demucs-control.json');
  let base = initial;
  const set = (settings: FakeDemucsSettings = {}) =>
    writeFileSync(file, JSON.stringify({ ...base, ...settings }));
  set();
  return {
    command: `/usr/bin/env FAKE_DEMUCS_CONTROL=${file} ${FAKE_DEMUCS}`,
    set,
    /** Changes the settings every later `set` starts from. */
    base(settings: FakeDemucsSettings) {
      base = { ...base, ...settings };
      set();
    },
  };
}
