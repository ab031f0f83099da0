import { z } from 'zod';

/** One live stream, normalised from Tautulli's session (whose values are mostly strings). */
export interface StreamSession {
  sessionId: string;
  sessionKey: string;
  state: 'playing' | 'paused' | 'buffering' | 'unknown';
  user: string;
  userId: string;
  mediaType: string;
  /** Track, episode or movie title. */
  title: string;
  /** Album (music) or season (episodes). */
  parentTitle: string;
  /** Album artist (music) or show (episodes). */
  grandparentTitle: string;
  /** The track artist when it differs from the album artist. */
  originalTitle: string;
  fullTitle: string;
  year: string;
  player: string;
  product: string;
  platform: string;
  qualityProfile: string;
  /** 'direct play', 'copy' (direct stream) or 'transcode'. */
  transcodeDecision: string;
  /** Why it transcodes, derived from the per-stream decisions ("audio flac → mp3"). Empty otherwise. */
  transcodeReasons: string[];
  streamBitrateKbps: number;
  bandwidthKbps: number;
  location: string;
  progressPercent: number;
  viewOffsetMs: number;
  durationMs: number;
  /** Plex image path for album art (music) or the poster. */
  thumb: string;
}

export interface Activity {
  streamCount: number;
  directPlay: number;
  directStream: number;
  transcode: number;
  totalBandwidthKbps: number;
  lanBandwidthKbps: number;
  wanBandwidthKbps: number;
  sessions: StreamSession[];
}

// Tautulli sends "53", 53, "" or null for the same field depending on version and state: coerce, never fail.
const text = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .optional()
  .transform((value) => (value === null || value === undefined ? '' : String(value)))
  .catch('');
const count = text.transform((value) => {
  const parsed = Number.parseFloat(value);
  return Number.isFinite(parsed) ? parsed : 0;
});

const sessionSchema = z.object({
  session_id: text,
  session_key: text,
  state: text,
  user: text,
  friendly_name: text,
  username: text,
  user_id: text,
  media_type: text,
  title: text,
  parent_title: text,
  grandparent_title: text,
  original_title: text,
  full_title: text,
  year: text,
  player: text,
  product: text,
  platform: text,
  quality_profile: text,
  transcode_decision: text,
  video_decision: text,
  audio_decision: text,
  subtitle_decision: text,
  stream_container_decision: text,
  container: text,
  stream_container: text,
  audio_codec: text,
  stream_audio_codec: text,
  video_codec: text,
  stream_video_codec: text,
  stream_bitrate: count,
  bandwidth: count,
  location: text,
  progress_percent: count,
  view_offset: count,
  duration: count,
  thumb: text,
  parent_thumb: text,
  grandparent_thumb: text,
});

const activitySchema = z.object({
  stream_count: count,
  stream_count_direct_play: count,
  stream_count_direct_stream: count,
  stream_count_transcode: count,
  total_bandwidth: count,
  lan_bandwidth: count,
  wan_bandwidth: count,
  sessions: z.array(z.unknown()),
});

const STATES = new Set(['playing', 'paused', 'buffering']);

function transcodeReasons(s: z.infer<typeof sessionSchema>): string[] {
  const reasons: string[] = [];
  const change = (from: string, to: string) => (from && to && from !== to ? ` ${from} → ${to}` : '');
  if (s.video_decision === 'transcode') reasons.push(`video${change(s.video_codec, s.stream_video_codec)}`);
  if (s.audio_decision === 'transcode') reasons.push(`audio${change(s.audio_codec, s.stream_audio_codec)}`);
  if (s.subtitle_decision === 'burn') reasons.push('subtitles burned in');
  else if (s.subtitle_decision === 'transcode') reasons.push('subtitles');
  if (s.stream_container_decision === 'transcode')
    reasons.push(`container${change(s.container, s.stream_container)}`);
  return reasons;
}

function toSession(raw: unknown): StreamSession | null {
  const parsed = sessionSchema.safeParse(raw);
  if (!parsed.success) return null;
  const s = parsed.data;
  const isMusic = s.media_type === 'track';
  return {
    sessionId: s.session_id,
    sessionKey: s.session_key,
    state: STATES.has(s.state) ? (s.state as StreamSession['state']) : 'unknown',
    user: s.friendly_name || s.user || s.username || 'Someone',
    userId: s.user_id,
    mediaType: s.media_type,
    title: s.title,
    parentTitle: s.parent_title,
    grandparentTitle: s.grandparent_title,
    originalTitle: s.original_title,
    fullTitle: s.full_title || s.title,
    year: s.year,
    player: s.player,
    product: s.product,
    platform: s.platform,
    qualityProfile: s.quality_profile,
    transcodeDecision: s.transcode_decision,
    transcodeReasons: s.transcode_decision === 'transcode' ? transcodeReasons(s) : [],
    streamBitrateKbps: s.stream_bitrate,
    bandwidthKbps: s.bandwidth,
    location: s.location,
    progressPercent: Math.min(100, Math.max(0, s.progress_percent)),
    viewOffsetMs: s.view_offset,
    durationMs: s.duration,
    // Album art for music; the show's poster for episodes (the episode thumb is a screenshot).
    thumb: isMusic
      ? s.parent_thumb || s.thumb
      : s.media_type === 'episode'
        ? s.grandparent_thumb || s.thumb
        : s.thumb,
  };
}

/** Normalises `get_activity` data; null when it is not activity at all. */
export function parseActivity(data: unknown): Activity | null {
  const parsed = activitySchema.safeParse(data);
  if (!parsed.success) return null;
  const a = parsed.data;
  const sessions = a.sessions.map(toSession).filter((s): s is StreamSession => s !== null);
  return {
    streamCount: Math.max(a.stream_count, sessions.length),
    directPlay: a.stream_count_direct_play,
    directStream: a.stream_count_direct_stream,
    transcode: a.stream_count_transcode,
    totalBandwidthKbps: a.total_bandwidth,
    lanBandwidthKbps: a.lan_bandwidth,
    wanBandwidthKbps: a.wan_bandwidth,
    sessions,
  };
}
