import type { CommandOption } from './types.ts';

/** The `artist` option of the listening commands: required, autocompleted from the library index. */
export const ARTIST_OPTION: CommandOption = {
  name: 'artist',
  description: 'Artist in the Plex library',
  type: 'string',
  required: true,
  autocomplete: true,
  maxLength: 200,
};

/** The `period` option of the listening commands, in the server's TZ; autocompleted with the usual values. */
export const PERIOD_OPTION: CommandOption = {
  name: 'period',
  description: 'week, month, year, all (default) or a year like 2025',
  type: 'string',
  autocomplete: true,
  maxLength: 10,
};
