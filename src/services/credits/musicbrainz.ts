import { within } from '../../within.ts';
import type { MusicBrainzApi } from 'musicbrainz-api';
import { UpstreamError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { performancesFromRelations } from './aggregate.ts';
import type { MbRelation, Performance } from './aggregate.ts';
import { normalize, similarity } from '../library/text-match.ts';

/**
 * MusicBrainz through musicbrainz-api, paced here to the public server's 1 request/s (a mirror may go
 * faster or unthrottled). musicbrainz-api only throws on HTTP 400 and returns other error bodies as data,
 * and has no timeout, so both are handled here. The timeout runs from when a request leaves, not while it
 * waits its turn: a slow MusicBrainz is given up in time for enrich to fall back to Discogs.
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

/**
 * Runs work one at a time, each leaving `periodMs` after the previous answer came back. MusicBrainz counts
 * requests as they arrive; spacing departures instead (as musicbrainz-api's limiter does) lets a request held
 * up on its way (a busy event loop, the network) arrive closer to the next than the limit, and both get 503.
 * The price is one round trip per request.
 */
function pacedQueue(periodMs: number) {
  let turn: Promise<unknown> = Promise.resolve();
  let nextAt = 0;
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = turn.then(async () => {
      const wait = nextAt - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      try {
        return await work();
      } finally {
        nextAt = performance.now() + periodMs;
      }
    });
    turn = run.catch(() => undefined);
    return run;
  };
}

export function createMusicBrainzService(options: MusicBrainzOptions): MusicBrainzService {
  const logger = options.logger.child({ svc: 'musicbrainz' });
  // Loaded on first use: only enrich needs it, and it costs start-up time.
  let client: Promise<MusicBrainzApi> | undefined;
  const api = () =>
    (client ??= import('musicbrainz-api').then(({ MusicBrainzApi: Client }) => new Client(settings)));
  const settings = {
    ...identity(options),
    baseUrl: options.url,
    // Paced by pacedQueue below, which keeps the limit as MusicBrainz measures it.
    disableRateLimiting: true,
  };
  const paced =
    options.ratePerSecond === null
      ? <T>(work: () => Promise<T>) => work()
      : pacedQueue(1000 / Math.max(1, Math.floor(options.ratePerSecond)));

  /** One request, given up after UPSTREAM_TIMEOUT (musicbrainz-api has no timeout of its own). */
  function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
    return within(work(), options.timeoutMs, () => {
      throw new UpstreamError('musicbrainz', 'timeout', what);
    });
  }

  async function call<T extends { error?: string }>(what: string, work: () => Promise<T>): Promise<T | null> {
    try {
      const result = await paced(() => timed(what, work));
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
