import { readFileSync } from 'node:fs';

/**
 * Tautulli sessions for tests and the demo. They start from the real `get_activity` fixture bodies
 * (test/fixtures/tautulli) and change only what makes a session a music stream, so every other field
 * keeps Tautulli's real shape and string-typed values.
 */

type RawSession = Record<string, unknown>;
type RawActivity = { stream_count: string; sessions: RawSession[] } & Record<string, unknown>;

const FIXTURES = new URL('../test/fixtures/tautulli/', import.meta.url);

export function readFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as T;
}

/** The real HA capture: an episode, direct play, LAN. */
export function fixtureActivity(): RawActivity {
  return readFixture<{ response: { data: RawActivity } }>('get_activity.json').response.data;
}

/** Tautulli's own docstring example: a Game of Thrones episode. */
export function docstringActivity(): RawActivity {
  return readFixture<RawActivity>('get_activity.docstring_example.json');
}

export interface TrackStream {
  sessionId: string;
  user: string;
  userId: number;
  artist: string;
  album: string;
  track: string;
  /** Plex rating keys of track, album, artist. */
  keys: [string, string, string];
  decision?: 'direct play' | 'copy' | 'transcode';
  state?: 'playing' | 'paused' | 'buffering';
  progress?: number;
  player?: string;
  product?: string;
  platform?: string;
  location?: 'lan' | 'wan';
}

/** A music session as Tautulli reports one (pmsconnect.py, metadata_type 'track'). */
export function trackSession(stream: TrackStream): RawSession {
  const base = structuredClone(fixtureActivity().sessions[0] as RawSession);
  const decision = stream.decision ?? 'direct play';
  const durationMs = 245_000;
  const progress = stream.progress ?? 40;
  const [track, album, artist] = stream.keys;
  return {
    ...base,
    session_id: stream.sessionId,
    session_key: String(Number.parseInt(stream.sessionId.replace(/\D/g, '') || '7', 10) % 1000),
    media_type: 'track',
    state: stream.state ?? 'playing',
    user: stream.user.toLowerCase(),
    username: stream.user.toLowerCase(),
    friendly_name: stream.user,
    user_id: stream.userId,
    title: stream.track,
    parent_title: stream.album,
    grandparent_title: stream.artist,
    original_title: '',
    full_title: `${stream.track} - ${stream.artist}`,
    rating_key: track,
    parent_rating_key: album,
    grandparent_rating_key: artist,
    thumb: `/library/metadata/${track}/thumb/1579520116`,
    parent_thumb: `/library/metadata/${album}/thumb/1579520116`,
    grandparent_thumb: `/library/metadata/${artist}/thumb/1579520116`,
    library_name: 'Music',
    section_id: '5',
    container: 'flac',
    audio_codec: 'flac',
    stream_container: decision === 'transcode' ? 'mp3' : 'flac',
    stream_audio_codec: decision === 'transcode' ? 'mp3' : 'flac',
    quality_profile: decision === 'transcode' ? '320 kbps' : 'Original',
    transcode_decision: decision,
    audio_decision: decision,
    video_decision: '',
    stream_container_decision: decision === 'transcode' ? 'transcode' : decision,
    stream_bitrate: decision === 'transcode' ? '320' : '1024',
    bandwidth: decision === 'transcode' ? '330' : '1050',
    duration: String(durationMs),
    view_offset: String(Math.round((durationMs * progress) / 100)),
    progress_percent: String(progress),
    player: stream.player ?? 'Living Room',
    product: stream.product ?? 'Plexamp',
    platform: stream.platform ?? 'Android',
    location: stream.location ?? 'lan',
  };
}

/** Wraps sessions with the totals Tautulli computes (stream counts are strings or ints depending on field). */
export function activityOf(sessions: RawSession[]): RawActivity {
  const sum = (pred: (s: RawSession) => boolean) => sessions.filter(pred).length;
  const bandwidth = (pred: (s: RawSession) => boolean) =>
    sessions.filter(pred).reduce((total, s) => total + Number(s.bandwidth ?? 0), 0);
  return {
    stream_count: String(sessions.length),
    sessions,
    stream_count_direct_play: sum((s) => s.transcode_decision === 'direct play'),
    stream_count_direct_stream: sum((s) => s.transcode_decision === 'copy'),
    stream_count_transcode: sum((s) => s.transcode_decision === 'transcode'),
    total_bandwidth: bandwidth(() => true),
    lan_bandwidth: bandwidth((s) => s.location === 'lan'),
    wan_bandwidth: bandwidth((s) => s.location !== 'lan'),
  };
}

/** Three streams on a music server: Skrillex from the fixture library, a transcode over WAN, an episode. */
export function sampleActivity(): RawActivity {
  return activityOf([
    trackSession({
      sessionId: 'a1b2c3d4e5f6g7h8i9j0k1l2',
      user: 'Alex',
      userId: 1001,
      artist: 'Skrillex',
      album: 'Try It Out',
      track: 'Try It Out (Neon mix)',
      keys: ['158', '157', '156'],
      progress: 62,
    }),
    trackSession({
      sessionId: 'm3n4o5p6q7r8s9t0u1v2w3x4',
      user: 'Sam',
      userId: 1002,
      artist: 'System of a Down',
      album: 'Toxicity',
      track: 'Chop Suey!',
      keys: ['1431', '1430', '142'],
      decision: 'transcode',
      state: 'paused',
      progress: 17,
      player: 'Pixel 8',
      product: 'Plex for Android (Mobile)',
      location: 'wan',
    }),
    ...docstringActivity().sessions,
  ]);
}
