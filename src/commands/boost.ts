import { remixCommand } from './remix-command.ts';

/** `/alex boost track stem [db]`: one stem turned up (default +4 dB). */
export const boost = remixCommand('boost');
