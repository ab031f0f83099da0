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
