import { syncEmbed } from '../views/playlist-sync.ts';
import type { Job } from './types.ts';

/** Keeps "My Top Rated" exact on PLAYLIST_SYNC_CRON and tells PLAYLIST_SYNC_CHANNEL_ID what changed. */
export const playlistSync: Job = {
  name: 'playlist-sync',
  pattern: (config) => (config.plex.url ? config.playlists.cron : null),
  async run({ config, services, notify }) {
    const { name, minRating, channelId } = config.playlists;
    const report = await services.playlistSync.run({ playlist: name, minRating, dryRun: false }, 'schedule');
    if (channelId && report.added.length + report.removed.length > 0) {
      await notify(channelId, { embeds: [syncEmbed(report, minRating)] });
    }
  },
};
