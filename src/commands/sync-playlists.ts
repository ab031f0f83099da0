import { UserFacingError } from '../errors.ts';
import type { Reply } from '../reply.ts';
import type { SyncRequest } from '../services/playlist-sync.ts';
import { syncEmbed } from '../views/playlist-sync.ts';
import { libraryChoices } from '../lookup/choices.ts';
import { resolveArtist } from '../lookup/resolve.ts';
import type { Command } from './types.ts';
import type { CommandContext } from '../context.ts';

/** Playlist titles Plex shows comfortably; artist names can be long. */
const TITLE_MAX = 120;

async function request(
  args: { dryRun: boolean; artist?: string },
  ctx: CommandContext,
): Promise<SyncRequest> {
  const { name, minRating } = ctx.config.playlists;
  if (args.artist === undefined) return { playlist: name, minRating, dryRun: args.dryRun };
  const match = await resolveArtist(args.artist, ctx);
  if ('choices' in match) {
    const names = match.choices.slice(0, 5).map((c) => c.label);
    throw new UserFacingError(`Several artists match: ${names.join(', ')}. Pick one from the suggestions.`);
  }
  const playlist = `Top Rated: ${match.artist.label}`.slice(0, TITLE_MAX);
  return { playlist, minRating, artistKey: match.artist.key, dryRun: args.dryRun };
}

/** Runs a sync now for a command and renders the report. */
export async function syncReply(
  args: { dryRun: boolean; artist?: string },
  ctx: CommandContext,
): Promise<Reply> {
  const report = await ctx.services.playlistSync.run(await request(args, ctx), ctx.caller.id);
  return { embeds: [syncEmbed(report, ctx.config.playlists.minRating)] };
}

/** `/alex sync_playlists [dry_run] [artist]`: make "My Top Rated" (or "Top Rated: {Artist}") exact now. */
export const syncPlaylists: Command = {
  name: 'sync_playlists',
  description: 'Update the "Top Rated" playlist from star ratings now (admins)',
  options: [
    { name: 'dry_run', description: 'Only show what would change', type: 'boolean' },
    {
      name: 'artist',
      description: 'Keep a "Top Rated: {Artist}" playlist instead',
      type: 'string',
      autocomplete: true,
      maxLength: 200,
    },
  ],
  adminOnly: true,
  examples: [
    '/alex sync_playlists',
    '/alex sync_playlists dry_run:true',
    '/alex sync_playlists artist:Skrillex',
    '!plex sync_playlists',
  ],
  run: (args, ctx) =>
    syncReply(
      { dryRun: args.dry_run === true, artist: args.artist === undefined ? undefined : String(args.artist) },
      ctx,
    ),
  async complete(option, text, _args, ctx) {
    return option === 'artist' ? libraryChoices('artist', text, ctx) : [];
  },
};
