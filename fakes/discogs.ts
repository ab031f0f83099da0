import type { ServerResponse } from 'node:http';
import { startHttpFake } from './http-fake.ts';
import type { HttpFake, RecordedHttpRequest } from './http-fake.ts';
import { DISCOGS_API, defaultDiscogsReleases, discogsDisplayName, searchWords } from './metadata-data.ts';
import type { Json } from './metadata-data.ts';
import type { TimedRequest } from './musicbrainz.ts';

/**
 * A Discogs API fake: `GET /releases/{id}`, `GET /masters/{id}` and `GET /database/search`, with Discogs's
 * personal-token auth (`Authorization: Discogs token=…` or `?token=`; search needs it: 401 otherwise),
 * its `{"message": …}` error bodies, the `X-Discogs-Ratelimit*` headers on every answer (60 requests a
 * moving minute with a token, 25 without) and, when enforced, 429 "You are making requests too quickly.".
 * Absolute `https://api.discogs.com` URLs in bodies are rewritten to the fake's URL, so a client that
 * follows `resource_url` or pagination URLs stays on the fake.
 */

export const FAKE_DISCOGS_TOKEN = 'FakeDiscogsPersonalToken0123456789abcdefXYZ';
export const DISCOGS_AUTH_MESSAGE = 'You must authenticate to access this resource.';
export const DISCOGS_RATE_MESSAGE = 'You are making requests too quickly.';

export interface DiscogsFakeOptions {
  /** The personal access token the fake accepts (default FAKE_DISCOGS_TOKEN). */
  token?: string;
  /** Answer 429 over the limit (default false: the headers are always sent, the limit not enforced). */
  enforceRateLimit?: boolean;
  /** Requests per window: authenticated 60, unauthenticated 25, window 60 000 ms (Discogs's numbers). */
  rateLimit?: { authenticated?: number; unauthenticated?: number; windowMs?: number };
  /** Reject a missing or empty User-Agent with 403 (default true). */
  requireUserAgent?: boolean;
  /** Release bodies served instead of the defaults (the two fixtures + the composed releases). */
  releases?: Json[];
  /** Release bodies served in addition to the defaults. */
  extraReleases?: Json[];
}

export interface DiscogsFake extends HttpFake {
  readonly requests: TimedRequest[];
  readonly at: number[];
  /** Requests answered 429. */
  readonly throttled: TimedRequest[];
  token: string;
  enforceRateLimit: boolean;
  requireUserAgent: boolean;
  readonly limits: { authenticated: number; unauthenticated: number; windowMs: number };
  /** Release bodies by id; masters and search results are derived from them. */
  readonly releases: Map<number, Json>;
  addRelease(body: Json): void;
}

const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** "Artist - Title" as Discogs search titles read. */
function releaseArtistText(release: Json): string {
  if (typeof release.artists_sort === 'string') return release.artists_sort;
  return arr(release.artists)
    .map((a) => `${str(a.anv) || str(a.name)}${str(a.join) ? ` ${str(a.join)} ` : ''}`)
    .join('')
    .trim();
}

function allCredits(release: Json): Json[] {
  const out = [...arr(release.extraartists)];
  const visit = (rows: Json[]) => {
    for (const row of rows) {
      out.push(...arr(row.extraartists));
      visit(arr(row.sub_tracks));
    }
  };
  visit(arr(release.tracklist));
  return out;
}

function barcodes(release: Json): string[] {
  return arr(release.identifiers)
    .filter((i) => i.type === 'Barcode')
    .map((i) => str(i.value));
}

function formatWords(release: Json): string[] {
  return arr(release.formats).flatMap((f) => [str(f.name), ...arr(f.descriptions).map(str)]);
}

interface Entry {
  type: 'release' | 'master' | 'artist' | 'label';
  result: Json;
  fields: Record<string, string[]>;
}

function words(text: string): string[] {
  return searchWords(text).filter((w) => w !== 'the');
}

function fieldMatches(param: string, value: string, values: string[] | undefined): boolean {
  if (!values) return false;
  if (param === 'year') return values.includes(value.trim());
  if (param === 'barcode') {
    const digits = value.replace(/\D/g, '');
    return values.some((v) => v.replace(/\D/g, '').includes(digits));
  }
  const wanted = words(value);
  if (wanted.length === 0) return true;
  const have = new Set(values.flatMap(words));
  return wanted.every((w) => have.has(w));
}

const SEARCH_PARAMS = [
  'q',
  'title',
  'release_title',
  'artist',
  'anv',
  'credit',
  'label',
  'genre',
  'style',
  'country',
  'year',
  'format',
  'catno',
  'barcode',
  'track',
];

export async function startDiscogsFake(opts: DiscogsFakeOptions = {}): Promise<DiscogsFake> {
  const releases = new Map<number, Json>();
  const addRelease = (body: Json): void => {
    releases.set(Number(body.id), body);
  };
  for (const body of [...(opts.releases ?? defaultDiscogsReleases()), ...(opts.extraReleases ?? [])])
    addRelease(body);
  const state = {
    token: opts.token ?? FAKE_DISCOGS_TOKEN,
    enforceRateLimit: opts.enforceRateLimit ?? false,
    requireUserAgent: opts.requireUserAgent ?? true,
  };
  const limits = {
    authenticated: opts.rateLimit?.authenticated ?? 60,
    unauthenticated: opts.rateLimit?.unauthenticated ?? 25,
    windowMs: opts.rateLimit?.windowMs ?? 60_000,
  };
  const counted: number[] = [];
  const throttled: TimedRequest[] = [];
  let base = '';

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string>) => {
    const text = JSON.stringify(body).replaceAll(DISCOGS_API, base);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(text);
  };

  const entries = (): Entry[] => {
    const out: Entry[] = [];
    const seen = new Set<string>();
    for (const r of releases.values()) {
      const artistText = releaseArtistText(r);
      const title = str(r.title);
      const labels = arr(r.labels);
      const credits = allCredits(r);
      const artistNames = arr(r.artists).flatMap((a) => [
        str(a.name),
        discogsDisplayName(str(a.name)),
        str(a.anv),
      ]);
      const images = arr(r.images);
      const common = {
        country: r.country,
        year: r.year === undefined ? undefined : String(r.year),
        format: formatWords(r),
        label: labels.map((l) => str(l.name)),
        genre: arr(r.genres).map(str),
        style: arr(r.styles).map(str),
        barcode: barcodes(r),
        user_data: { in_wantlist: false, in_collection: false },
        master_id: r.master_id ?? 0,
        master_url: r.master_url ?? null,
        catno: str(labels[0]?.catno),
        title: `${artistText} - ${title}`,
        thumb: str(images[0]?.uri150) || str(r.thumb),
        cover_image: str(images[0]?.uri) || str(r.thumb),
        community: {
          want: (r.community as Json | undefined)?.want ?? 0,
          have: (r.community as Json | undefined)?.have ?? 0,
        },
      };
      const fields: Record<string, string[]> = {
        title: [`${artistText} - ${title}`],
        release_title: [title],
        artist: artistNames,
        anv: credits.map((c) => str(c.anv)),
        credit: credits.flatMap((c) => [str(c.name), discogsDisplayName(str(c.name)), str(c.anv)]),
        label: common.label,
        genre: common.genre,
        style: common.style,
        country: [str(r.country)],
        year: [str(r.year)],
        format: common.format,
        catno: labels.map((l) => str(l.catno)),
        barcode: common.barcode,
        track: arr(r.tracklist).flatMap((t) => [str(t.title), ...arr(t.sub_tracks).map((s) => str(s.title))]),
      };
      fields.q = [...fields.title!, ...artistNames, ...common.label, ...fields.catno!, ...common.barcode];
      out.push({
        type: 'release',
        fields,
        result: {
          ...common,
          type: 'release',
          id: r.id,
          uri: `/release/${str(r.id)}-${slug(`${artistText} ${title}`)}`,
          resource_url: `${DISCOGS_API}/releases/${str(r.id)}`,
          format_quantity: r.format_quantity ?? arr(r.formats).length,
          formats: r.formats ?? [],
        },
      });
      const masterId = Number(r.master_id);
      if (masterId && !seen.has(`m${masterId}`)) {
        seen.add(`m${masterId}`);
        out.push({
          type: 'master',
          fields,
          result: {
            ...common,
            type: 'master',
            id: masterId,
            uri: `/master/${masterId}-${slug(`${artistText} ${title}`)}`,
            resource_url: `${DISCOGS_API}/masters/${masterId}`,
          },
        });
      }
      const named = (type: 'artist' | 'label', id: unknown, name: string) => {
        if (seen.has(`${type}${str(id)}`)) return;
        seen.add(`${type}${str(id)}`);
        const display = type === 'artist' ? [name, discogsDisplayName(name)] : [name];
        out.push({
          type,
          fields: { q: display, title: display, [type]: display },
          result: {
            id,
            type,
            user_data: { in_wantlist: false, in_collection: false },
            master_id: null,
            master_url: null,
            uri: `/${type}/${str(id)}-${slug(name)}`,
            title: name,
            thumb: '',
            cover_image: '',
            resource_url: `${DISCOGS_API}/${type}s/${str(id)}`,
          },
        });
      };
      for (const a of arr(r.artists)) named('artist', a.id, str(a.name));
      for (const l of labels) named('label', l.id, str(l.name));
    }
    return out;
  };

  const search = (req: RecordedHttpRequest, res: ServerResponse, headers: Record<string, string>) => {
    const q = req.query;
    const perPage = Math.min(100, Math.max(1, Number.parseInt(q.per_page ?? '', 10) || 50));
    const page = Math.max(1, Number.parseInt(q.page ?? '', 10) || 1);
    const params = SEARCH_PARAMS.filter((p) => (q[p] ?? '').trim() !== '');
    const hits = entries()
      .filter((e) => !q.type || q.type === 'all' || e.type === q.type)
      .filter((e) => params.every((p) => fieldMatches(p, q[p] ?? '', e.fields[p])))
      .map((e, order) => {
        // Exact title matches first, like Discogs's relevance order.
        const exact = ['release_title', 'title', 'q', 'artist'].filter(
          (p) => q[p] && e.fields[p]?.some((v) => words(v).join(' ') === words(q[p] ?? '').join(' ')),
        ).length;
        return { e, exact, order };
      })
      .sort((a, b) => b.exact - a.exact || a.order - b.order)
      .map(({ e }) => e.result);
    const pages = Math.max(1, Math.ceil(hits.length / perPage));
    const pageUrl = (n: number) => {
      const params = new URLSearchParams({ ...q, per_page: String(perPage), page: String(n) });
      params.delete('token');
      return `${DISCOGS_API}/database/search?${params.toString()}`;
    };
    const urls: Record<string, string> = {};
    if (page > 1) Object.assign(urls, { first: pageUrl(1), prev: pageUrl(Math.min(page - 1, pages)) });
    if (page < pages) Object.assign(urls, { last: pageUrl(pages), next: pageUrl(page + 1) });
    send(
      res,
      200,
      {
        pagination: { page, pages, per_page: perPage, items: hits.length, urls },
        results: hits.slice((page - 1) * perPage, page * perPage),
      },
      headers,
    );
  };

  const master = (id: number, res: ServerResponse, headers: Record<string, string>) => {
    const versions = [...releases.values()].filter((r) => Number(r.master_id) === id);
    const main = versions[0];
    if (!main) return send(res, 404, { message: 'Master Release not found.' }, headers);
    const newest = versions.reduce((a, b) => (Number(b.year) > Number(a.year) ? b : a));
    send(
      res,
      200,
      {
        id,
        main_release: main.id,
        most_recent_release: newest.id,
        resource_url: `${DISCOGS_API}/masters/${id}`,
        uri: `https://www.discogs.com/master/${id}-${slug(`${releaseArtistText(main)} ${str(main.title)}`)}`,
        versions_url: `${DISCOGS_API}/masters/${id}/versions`,
        main_release_url: `${DISCOGS_API}/releases/${str(main.id)}`,
        most_recent_release_url: `${DISCOGS_API}/releases/${str(newest.id)}`,
        num_for_sale: 0,
        lowest_price: null,
        images: main.images ?? [],
        genres: main.genres ?? [],
        styles: main.styles ?? [],
        year: main.year,
        tracklist: main.tracklist ?? [],
        artists: main.artists ?? [],
        title: main.title,
        data_quality: main.data_quality ?? 'Correct',
        videos: main.videos ?? [],
      },
      headers,
    );
  };

  const handle = (req: RecordedHttpRequest, res: ServerResponse) => {
    const timed = req as TimedRequest;
    const ua = req.headers['user-agent'];
    if (state.requireUserAgent && (typeof ua !== 'string' || ua.trim() === ''))
      return send(res, 403, { message: 'A User-Agent header is required.' }, {});
    const auth = /^Discogs\s+token=(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? req.query.token;
    const authenticated = auth !== undefined && auth === state.token;
    const limit = authenticated ? limits.authenticated : limits.unauthenticated;
    while (counted.length > 0 && (counted[0] ?? 0) <= timed.at - limits.windowMs) counted.shift();
    const rateHeaders = (used: number) => ({
      'X-Discogs-Ratelimit': String(limit),
      'X-Discogs-Ratelimit-Used': String(Math.min(used, limit)),
      'X-Discogs-Ratelimit-Remaining': String(Math.max(0, limit - used)),
    });
    if (state.enforceRateLimit && counted.length >= limit) {
      throttled.push(timed);
      return send(res, 429, { message: DISCOGS_RATE_MESSAGE }, rateHeaders(counted.length));
    }
    counted.push(timed.at);
    const headers = rateHeaders(counted.length);
    if (auth !== undefined && !authenticated)
      return send(res, 401, { message: DISCOGS_AUTH_MESSAGE }, headers);
    if (req.method !== 'GET') return send(res, 405, { message: 'Method not allowed.' }, headers);
    const path = req.path.replace(/\/+$/, '');
    if (path === '/database/search') {
      if (!authenticated) return send(res, 401, { message: DISCOGS_AUTH_MESSAGE }, headers);
      return search(req, res, headers);
    }
    const release = /^\/releases\/(\d+)$/.exec(path);
    if (release) {
      const body = releases.get(Number(release[1]));
      return body
        ? send(res, 200, body, headers)
        : send(res, 404, { message: 'Release not found.' }, headers);
    }
    const masterMatch = /^\/masters\/(\d+)$/.exec(path);
    if (masterMatch) return master(Number(masterMatch[1]), res, headers);
    send(res, 404, { message: 'The requested resource was not found.' }, headers);
  };

  const fake = await startHttpFake(handle);
  base = fake.url;
  const requests = fake.requests as TimedRequest[];
  const push = requests.push.bind(requests);
  requests.push = (...items: TimedRequest[]) => {
    const now = performance.timeOrigin + performance.now();
    for (const item of items) item.at = now;
    return push(...items);
  };
  const extras = {
    requests,
    throttled,
    releases,
    limits,
    addRelease,
    get at() {
      return requests.map((r) => r.at);
    },
    get token() {
      return state.token;
    },
    set token(value: string) {
      state.token = value;
    },
    get enforceRateLimit() {
      return state.enforceRateLimit;
    },
    set enforceRateLimit(value: boolean) {
      state.enforceRateLimit = value;
    },
    get requireUserAgent() {
      return state.requireUserAgent;
    },
    set requireUserAgent(value: boolean) {
      state.requireUserAgent = value;
    },
  };
  Object.defineProperties(fake, Object.getOwnPropertyDescriptors(extras));
  return fake as HttpFake & typeof extras;
}
