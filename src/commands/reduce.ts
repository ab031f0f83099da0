import { remixCommand } from './remix-command.ts';

/** `/alex reduce track stem [db]`: one stem turned down (default −60 dB, muted). */
export const reduce = remixCommand('reduce');
