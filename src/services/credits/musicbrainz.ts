import type { MusicBrainzApi } from 'musicbrainz-api';
import { UpstreamError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { performancesFromRelations } from './aggregate.ts';
import type { MbRelation, Performance } from './aggregate.ts';
import { normalize, similarity } from '../library/text-match.ts';

/**
 * MusicBrainz through musicbrainz-api (its client-side rate limiter keeps the public server's 1 request/s;
 * a mirror may go faster or unthrottled). musicbrainz-api only throws on HTTP 400 and returns other error
 * bodies as data, and has no timeout, so both are handled here. The timeout is UPSTREAM_TIMEOUT plus the
 * slots of the calls queued ahead (the limiter's wait is not MusicBrainz being slow): a slow MusicBrainz is
 * given up in time for enrich to fall back to Discogs.
 */

export interface ReleaseCredits {
  releaseId: string;
  title: string;
  trackCount: number;
  /** MusicBrainz artist ids of the release's credited artists: the leaders. */
  leaders: string[];
  performances: Performance[];
}

export interface MusicBrainzService {
  /** Credits of a release, or null when MusicBrainz does not know the id. */
  releaseCredits(releaseId: string): Promise<ReleaseCredits | null>;
  /** A Plex `mbid://` Guid may name a release or a release group: returns the release to use, or null. */
  resolveRelease(mbid: string): Promise<string | null>;
  /** The best release for artist + title (and track count when known), or null. */
  searchRelease(artist: string, title: string, trackCount?: number): Promise<string | null>;
  /** Requests per second this client keeps to (MUSICBRAINZ_RATE_LIMIT); null = no limit (a mirror). */
  readonly ratePerSecond: number | null;
}

export interface MusicBrainzOptions {
  url: string;
  ratePerSecond: number | null;
  appName: string;
  appVersion: string;
  contact: string | undefined;
  /** The older single setting ("App/1.0 ( contact )"), split into musicbrainz-api's three parts. */
  userAgent: string | undefined;
  timeoutMs: number;
  logger: Logger;
}

const INC = ['artist-credits', 'recordings', 'artist-rels', 'recording-level-rels'] as const;

type Release = {
  id?: string;
  title?: string;
  error?: string;
  'artist-credit'?: Array<{ artist?: { id: string } }>;
  relations?: MbRelation[];
  media?: Array<{ tracks?: Array<{ recording?: { relations?: MbRelation[] } }> }>;
};

function identity(options: MusicBrainzOptions) {
  const parsed = options.userAgent ? /^(.+?)\/(\S+)\s*(?:\(\s*(.*?)\s*\))?$/.exec(options.userAgent) : null;
  if (parsed)
    return { appName: parsed[1] as string, appVersion: parsed[2] as string, appContactInfo: parsed[3] ?? '' };
  return { appName: options.appName, appVersion: options.appVersion, appContactInfo: options.contact ?? '' };
}

/** Seconds per rate-limit period: a little over one. */
const MARGIN = 1.05;

export function createMusicBrainzService(options: MusicBrainzOptions): MusicBrainzService {
  const logger = options.logger.child({ svc: 'musicbrainz' });
  // Loaded on first use: only enrich needs it, and it costs start-up time.
  let client: Promise<MusicBrainzApi> | undefined;
  const api = () =>
    (client ??= import('musicbrainz-api').then(({ MusicBrainzApi: Client }) => new Client(settings)));
  const settings = {
    ...identity(options),
    baseUrl: options.url,
    disableRateLimiting: options.ratePerSecond === null,
    // [requests, seconds]: for 1/s this spaces requests a second apart instead of allowing bursts. The 5 %
    // margin is for MusicBrainz, which counts requests as they arrive: a request held up on its way (a busy
    // event loop, the network) arrives closer to the next one than they left, and 503s both.
    rateLimit:
      options.ratePerSecond === null
        ? undefined
        : ([Math.max(1, Math.floor(options.ratePerSecond)), MARGIN] as [number, number]),
  };
  const slotMs =
    options.ratePerSecond === null ? 0 : (1000 * MARGIN) / Math.max(1, Math.floor(options.ratePerSecond));
  let inFlight = 0;

  async function call<T extends { error?: string }>(what: string, work: () => Promise<T>): Promise<T | null> {
    let timer: NodeJS.Timeout | undefined;
    const queuedAhead = inFlight++;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new UpstreamError('musicbrainz', 'timeout', what)),
        options.timeoutMs + (queuedAhead + 1) * slotMs,
      );
    });
    try {
      const result = await Promise.race([work(), timeout]);
      if (result && typeof result.error === 'string') {
        if (/not found/i.test(result.error)) return null;
        // 503 after musicbrainz-api's own retries: the rate limit or an overloaded server.
        throw new UpstreamError('musicbrainz', 'timeout', `${what}: ${result.error.slice(0, 80)}`);
      }
      return result;
    } catch (error) {
      const mapped =
        error instanceof UpstreamError
          ? error
          : error instanceof SyntaxError
            ? new UpstreamError('musicbrainz', 'bad_response', what)
            : typeof (error as { status?: unknown }).status === 'number'
              ? new UpstreamError('musicbrainz', 'bad_response', what, (error as { status: number }).status)
              : new UpstreamError('musicbrainz', 'unreachable', what);
      logger.warn({ what, kind: mapped.kind }, 'musicbrainz call failed');
      throw mapped;
    } finally {
      inFlight--;
      clearTimeout(timer);
    }
  }

  return {
    ratePerSecond: options.ratePerSecond,
    async releaseCredits(releaseId) {
      const release = (await call(
        'release',
        async () => (await api()).lookup('release', releaseId, [...INC]) as Promise<Release>,
      )) as Release | null;
      if (!release?.id) return null;
      const performances = performancesFromRelations(release.relations ?? [], null);
      let track = 0;
      for (const medium of release.media ?? []) {
        for (const t of medium.tracks ?? []) {
          track++;
          performances.push(...performancesFromRelations(t.recording?.relations ?? [], track));
        }
      }
      const leaders = (release['artist-credit'] ?? [])
        .map((c) => c.artist?.id)
        .filter((id): id is string => !!id);
      return { releaseId: release.id, title: release.title ?? '', trackCount: track, leaders, performances };
    },
    async resolveRelease(mbid) {
      const release = await call(
        'release',
        async () => (await api()).lookup('release', mbid) as Promise<Release>,
      );
      if (release?.id) return release.id;
      type Group = { error?: string; releases?: Array<{ id: string; status?: string; date?: string }> };
      const group = await call(
        'release-group',
        async () => (await api()).lookup('release-group', mbid, ['releases']) as Promise<Group>,
      );
      // The earliest official release of the group: usually the original album.
      const releases = [...(group?.releases ?? [])].sort(
        (a, b) =>
          Number(b.status === 'Official') - Number(a.status === 'Official') ||
          (a.date ?? '9999').localeCompare(b.date ?? '9999'),
      );
      return releases[0]?.id ?? null;
    },
    async searchRelease(artist, title, trackCount) {
      const query = `release:"${title.replace(/"/g, '')}" AND artist:"${artist.replace(/"/g, '')}"`;
      type Found = {
        error?: string;
        releases?: Array<{
          id: string;
          title: string;
          score?: number;
          'track-count'?: number;
          'artist-credit'?: Array<{ name?: string; artist?: { name: string } }>;
        }>;
      };
      const found = await call(
        'search',
        async () => (await api()).search('release', { query, limit: 10 }) as Promise<Found>,
      );
      const scored = (found?.releases ?? []).map((r) => {
        const credited = (r['artist-credit'] ?? []).map((c) => c.name ?? c.artist?.name ?? '').join(' ');
        const score =
          similarity(normalize(r.title), normalize(title)) * 2 +
          similarity(normalize(credited), normalize(artist)) +
          (trackCount && r['track-count'] === trackCount ? 0.5 : 0) +
          (r.score ?? 0) / 200;
        return { id: r.id, score };
      });
      scored.sort((a, b) => b.score - a.score);
      return scored[0] && scored[0].score >= 2 ? scored[0].id : null;
    },
  };
}
