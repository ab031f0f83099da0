import { boost } from './boost.ts';
import { compare } from './compare.ts';
import { completion } from './completion.ts';
import { digest } from './digest.ts';
import { enrich } from './enrich.ts';
import { enrichLibraryCommand } from './enrich-library.ts';
import { createHelp } from './help.ts';
import { leaderboard } from './leaderboard.ts';
import { link } from './link.ts';
import { reduce } from './reduce.ts';
import { status } from './status.ts';
import { syncPlaylists } from './sync-playlists.ts';
import { top } from './top.ts';
import type { Command } from './types.ts';
import { usage } from './usage.ts';

/** The explicit list of `/alex` subcommands, in the order `/alex help` shows them. */
export const COMMANDS: readonly Command[] = [
  usage,
  completion,
  compare,
  leaderboard,
  top,
  digest,
  boost,
  reduce,
  enrich,
  enrichLibraryCommand,
  syncPlaylists,
  status,
  link,
  createHelp(() => COMMANDS),
];

const BY_NAME = new Map(COMMANDS.map((command) => [command.name, command]));

export function findCommand(name: string): Command | undefined {
  return BY_NAME.get(name.toLowerCase());
}
