import type { ServerResponse } from 'node:http';
import { sendJson, startHttpFake } from './http-fake.ts';
import type { HttpFake, RecordedHttpRequest } from './http-fake.ts';
import { defaultMbRecordings, defaultMbReleases, searchWords } from './metadata-data.ts';
import type { Json } from './metadata-data.ts';

/**
 * A MusicBrainz WS/2 (JSON) fake: lookups of releases, release groups and recordings that honour `inc`
 * like MusicBrainz (the `*-level-rels` includes are switches), Lucene-ish release / release-group /
 * recording search with scores, release browse by release group, MusicBrainz's error bodies (404
 * "Not Found", 400 "Invalid mbid." and bad `inc`), a User-Agent requirement (403) and an optional
 * per-second rate limit answered with MusicBrainz's 503 body.
 */

export const MB_HELP = 'For usage, please see: https://musicbrainz.org/development/mmd';
export const MB_RATE_LIMIT_ERROR =
  'Your requests are exceeding the allowable rate limit. Please see http://wiki.musicbrainz.org/XMLWebService for more information.';
export const MB_USER_AGENT_ERROR =
  'Please provide a meaningful User-Agent header (application/version ( contact )); see https://musicbrainz.org/doc/MusicBrainz_API/Rate_Limiting';

/** A recorded request with its arrival time (ms on the `performance.timeOrigin + performance.now()` clock). */
export interface TimedRequest extends RecordedHttpRequest {
  at: number;
}

export interface MusicBrainzFakeOptions {
  /** Serve 503 when more than this many requests arrive within any 1-second window (default: off). */
  rateLimitPerSecond?: number | null;
  /** Reject a missing or empty User-Agent with 403 (default true). */
  requireUserAgent?: boolean;
  /** Full release bodies to serve instead of the defaults (fixture + composed). */
  releases?: Json[];
  /** Full release bodies served in addition to the defaults. */
  extraReleases?: Json[];
  /** Standalone recording bodies (default: the two recording fixtures). */
  recordings?: Json[];
}

export interface MusicBrainzFake extends HttpFake {
  readonly requests: TimedRequest[];
  /** Arrival times of `requests`, index for index. */
  readonly at: number[];
  /** Requests answered 503 by the rate limit. */
  readonly rateLimited: TimedRequest[];
  rateLimitPerSecond: number | null;
  requireUserAgent: boolean;
  /**
   * Full release bodies (every include present) by lower-case MBID; lookups strip what `inc` does not ask
   * for. Release groups and release-embedded recordings are derived from these, so adding a release here
   * also serves its release group and recordings.
   */
  readonly releases: Map<string, Json>;
  /** Standalone recording bodies by MBID (looked up before the recordings inside releases). */
  readonly recordings: Map<string, Json>;
  addRelease(body: Json): void;
}

type Entity = 'release' | 'release-group' | 'recording';

const MBID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const REL_INCS = [
  'area-rels',
  'artist-rels',
  'event-rels',
  'genre-rels',
  'instrument-rels',
  'label-rels',
  'place-rels',
  'recording-rels',
  'release-rels',
  'release-group-rels',
  'series-rels',
  'url-rels',
  'work-rels',
];
const MISC_INCS = ['annotation', 'aliases', 'tags', 'user-tags', 'genres', 'user-genres'];
const VALID_INCS: Record<Entity, Set<string>> = {
  release: new Set([
    ...REL_INCS,
    ...MISC_INCS,
    'artists',
    'collections',
    'labels',
    'recordings',
    'release-groups',
    'media',
    'artist-credits',
    'discids',
    'isrcs',
    'recording-level-rels',
    'work-level-rels',
    'release-group-level-rels',
  ]),
  'release-group': new Set([
    ...REL_INCS,
    ...MISC_INCS,
    'artists',
    'releases',
    'media',
    'artist-credits',
    'discids',
    'ratings',
    'user-ratings',
  ]),
  recording: new Set([
    ...REL_INCS,
    ...MISC_INCS,
    'artists',
    'releases',
    'release-groups',
    'isrcs',
    'artist-credits',
    'media',
    'discids',
    'ratings',
    'user-ratings',
    'work-level-rels',
  ]),
};

const RELEASE_BASE = [
  'id',
  'title',
  'status',
  'status-id',
  'quality',
  'packaging',
  'packaging-id',
  'text-representation',
  'date',
  'country',
  'release-events',
  'barcode',
  'asin',
  'disambiguation',
  'cover-art-archive',
];
const RELEASE_GROUP_BASE = [
  'id',
  'title',
  'primary-type',
  'primary-type-id',
  'secondary-types',
  'secondary-type-ids',
  'first-release-date',
  'disambiguation',
];
const RECORDING_BASE = ['id', 'title', 'length', 'disambiguation', 'video', 'first-release-date'];

const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);

function pick(source: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const key of keys) if (key in source) out[key] = structuredClone(source[key]);
  return out;
}

/** The relation target types an `inc` asks for: `artist-rels` → artist, `release-group-rels` → release_group. */
function relTargets(inc: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const i of inc) if (REL_INCS.includes(i)) out.add(i.slice(0, -'-rels'.length).replace(/-/g, '_'));
  return out;
}

function filterRelations(relations: unknown, targets: Set<string>): Json[] {
  return arr(relations)
    .filter((rel) => targets.has(str(rel['target-type'])))
    .map((rel) => structuredClone(rel));
}

function wantsArtistCredit(inc: Set<string>) {
  return inc.has('artists') || inc.has('artist-credits');
}

function shapeMisc(source: Json, inc: Set<string>, out: Json): void {
  if (inc.has('aliases')) out.aliases = structuredClone(source.aliases ?? []);
  if (inc.has('annotation')) out.annotation = source.annotation ?? null;
  if (inc.has('tags')) out.tags = structuredClone(source.tags ?? []);
  if (inc.has('user-tags')) out['user-tags'] = structuredClone(source['user-tags'] ?? []);
  if (inc.has('genres')) out.genres = structuredClone(source.genres ?? []);
  if (inc.has('user-genres')) out['user-genres'] = structuredClone(source['user-genres'] ?? []);
}

function shapeEmbeddedRecording(recording: Json, inc: Set<string>, targets: Set<string>): Json {
  const out = pick(recording, RECORDING_BASE);
  if (inc.has('artist-credits')) out['artist-credit'] = structuredClone(recording['artist-credit'] ?? []);
  if (inc.has('isrcs')) out.isrcs = structuredClone(recording.isrcs ?? []);
  if (inc.has('recording-level-rels') && targets.size > 0)
    out.relations = filterRelations(recording.relations, targets);
  return out;
}

function shapeEmbeddedReleaseGroup(group: Json, inc: Set<string>, targets: Set<string>): Json {
  const out = pick(group, RELEASE_GROUP_BASE);
  if (wantsArtistCredit(inc)) out['artist-credit'] = structuredClone(group['artist-credit'] ?? []);
  if (inc.has('release-group-level-rels') && targets.size > 0)
    out.relations = filterRelations(group.relations, targets);
  return out;
}

/** A release as MusicBrainz returns it for this `inc` (lookup and browse). */
export function shapeRelease(full: Json, inc: Set<string>): Json {
  const targets = relTargets(inc);
  const out = pick(full, RELEASE_BASE);
  if (wantsArtistCredit(inc)) out['artist-credit'] = structuredClone(full['artist-credit'] ?? []);
  if (inc.has('labels')) out['label-info'] = structuredClone(full['label-info'] ?? []);
  const group = obj(full['release-group']);
  if (inc.has('release-groups') && group)
    out['release-group'] = shapeEmbeddedReleaseGroup(group, inc, targets);
  if (inc.has('media') || inc.has('recordings') || inc.has('discids')) {
    out.media = arr(full.media).map((medium) => {
      const m = pick(medium, ['position', 'title', 'format', 'format-id', 'track-count']);
      if (inc.has('discids')) m.discs = structuredClone(medium.discs ?? []);
      if (inc.has('recordings')) {
        m['track-offset'] = medium['track-offset'] ?? 0;
        m.tracks = arr(medium.tracks).map((track) => {
          const t = pick(track, ['id', 'number', 'position', 'title', 'length']);
          if (inc.has('artist-credits'))
            t['artist-credit'] = structuredClone(
              track['artist-credit'] ?? obj(track.recording)?.['artist-credit'] ?? [],
            );
          t.recording = shapeEmbeddedRecording(obj(track.recording) ?? {}, inc, targets);
          return t;
        });
      }
      return m;
    });
  }
  shapeMisc(full, inc, out);
  if (targets.size > 0) out.relations = filterRelations(full.relations, targets);
  return out;
}

function trackCount(release: Json): number {
  return arr(release.media).reduce((n, m) => n + (Number(m['track-count']) || arr(m.tracks).length), 0);
}

// ---------------------------------------------------------------------------------------------------------
// Lucene-ish search
// ---------------------------------------------------------------------------------------------------------

export interface SearchClause {
  /** Lower-case field name, or null for the default fields. */
  field: string | null;
  value: string;
  phrase: boolean;
  occur: 'should' | 'must' | 'not';
}

/**
 * Parses `release:"A Love Supreme" AND artist:"John Coltrane"`, `artistname:Coltrane love`, `+a -b`,
 * `NOT x`, with `\` escapes, ignoring parentheses, `~fuzzy` and `^boost` suffixes.
 */
export function parseLuceneQuery(query: string): SearchClause[] {
  const re =
    /([+-]?)(?:([A-Za-z][\w-]*):)?(?:"((?:[^"\\]|\\.)*)"|((?:[^\s"\\()~^]|\\.)+))(?:~[\d.]*)?(?:\^[\d.]+)?/g;
  const items: Array<SearchClause | 'AND' | 'OR' | 'NOT'> = [];
  for (const m of query.replace(/[()]/g, ' ').matchAll(re)) {
    const [, prefix, field, quoted, bare] = m;
    if (!field && !prefix && bare !== undefined && /^(AND|OR|NOT|&&|\|\|)$/.test(bare)) {
      items.push(bare === '&&' ? 'AND' : bare === '||' ? 'OR' : (bare as 'AND' | 'OR' | 'NOT'));
      continue;
    }
    const raw = quoted ?? bare ?? '';
    items.push({
      field: field ? field.toLowerCase() : null,
      value: raw.replace(/\\(.)/g, '$1'),
      phrase: quoted !== undefined,
      occur: prefix === '+' ? 'must' : prefix === '-' ? 'not' : 'should',
    });
  }
  const clauses: SearchClause[] = [];
  let pendingNot = false;
  let pendingAnd = false;
  for (const item of items) {
    if (item === 'NOT') pendingNot = true;
    else if (item === 'AND') {
      pendingAnd = true;
      const prev = clauses.at(-1);
      if (prev && prev.occur === 'should') prev.occur = 'must';
    } else if (item === 'OR') pendingAnd = false;
    else {
      if (pendingNot) item.occur = 'not';
      else if (pendingAnd && item.occur === 'should') item.occur = 'must';
      pendingNot = false;
      pendingAnd = false;
      clauses.push(item);
    }
  }
  return clauses;
}

type SearchDoc = Record<string, string[]>;
const ID_FIELDS = new Set(['reid', 'rgid', 'arid', 'rid', 'tid', 'laid']);

/** 0 = no match, 1 = contained, 2 = the whole value. */
function matchClause(clause: SearchClause, doc: SearchDoc): number {
  const values = doc[clause.field ?? 'default'] ?? [];
  if (clause.field && ID_FIELDS.has(clause.field))
    return values.some((v) => v.toLowerCase() === clause.value.toLowerCase()) ? 2 : 0;
  const wanted = searchWords(clause.value);
  if (wanted.length === 0) return 0;
  const wild = (w: string) => new RegExp(`^${w.replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  let best = 0;
  for (const value of values) {
    const words = searchWords(value);
    const same = (a: string, b: string) => (/[*?]/.test(b) ? wild(b).test(a) : a === b);
    let found: boolean;
    if (clause.phrase || wanted.length > 1) {
      found = words.some((_, i) =>
        wanted.every((w, j) => words[i + j] !== undefined && same(words[i + j]!, w)),
      );
    } else found = words.some((w) => same(w, wanted[0]!));
    if (found) best = Math.max(best, words.length === wanted.length ? 2 : 1);
  }
  return best;
}

/** Hits with MusicBrainz-style scores (the best hit is 100), best first. */
export function luceneSearch<T>(
  query: string,
  items: readonly T[],
  docOf: (item: T) => SearchDoc,
): Array<{ item: T; score: number }> {
  const clauses = parseLuceneQuery(query);
  const raw: Array<{ item: T; raw: number }> = [];
  for (const item of items) {
    const doc = docOf(item);
    let total = 0;
    let ok = true;
    for (const clause of clauses) {
      const m = matchClause(clause, doc);
      if (clause.occur === 'not') {
        if (m) ok = false;
        continue;
      }
      if (clause.occur === 'must' && !m) ok = false;
      total += m * (clause.field ? 1 : 0.8);
    }
    if (ok && total > 0) raw.push({ item, raw: total });
  }
  const max = Math.max(0, ...raw.map((r) => r.raw));
  return raw
    .map((r, order) => ({ item: r.item, score: Math.round((100 * r.raw) / max), order }))
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .map(({ item, score }) => ({ item, score }));
}

function creditNames(credit: unknown): string[] {
  const names: string[] = [];
  const joined = arr(credit)
    .map((c) => `${str(c.name ?? obj(c.artist)?.name)}${str(c.joinphrase)}`)
    .join('');
  if (joined) names.push(joined);
  for (const c of arr(credit)) {
    const artist = obj(c.artist) ?? {};
    for (const n of [c.name, artist.name, artist['sort-name']]) if (str(n)) names.push(str(n));
  }
  return names;
}

function creditIds(credit: unknown): string[] {
  return arr(credit).map((c) => str(obj(c.artist)?.id));
}

function releaseDoc(release: Json): SearchDoc {
  const group = obj(release['release-group']) ?? {};
  const labels = arr(release['label-info']);
  const artists = creditNames(release['artist-credit']);
  const title = str(release.title);
  return {
    default: [title, ...artists],
    release: [title],
    releaseaccent: [title],
    artist: artists,
    artistname: artists,
    creditname: artists,
    arid: creditIds(release['artist-credit']),
    reid: [str(release.id)],
    rgid: [str(group.id)],
    barcode: [str(release.barcode)],
    asin: [str(release.asin)],
    country: [str(release.country)],
    date: [str(release.date)],
    status: [str(release.status)],
    primarytype: [str(group['primary-type'])],
    comment: [str(release.disambiguation)],
    label: labels.map((l) => str(obj(l.label)?.name)),
    laid: labels.map((l) => str(obj(l.label)?.id)),
    catno: labels.map((l) => str(l['catalog-number'])),
    tracks: [String(trackCount(release))],
    mediums: [String(arr(release.media).length)],
    format: arr(release.media).map((m) => str(m.format)),
  };
}

const omitEmpty = (o: Json): Json =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== ''));

function searchArtistCredit(credit: unknown): Json[] {
  return arr(credit).map((c) => {
    const artist = obj(c.artist) ?? {};
    return omitEmpty({
      name: c.name ?? artist.name,
      joinphrase: c.joinphrase,
      artist: omitEmpty({
        id: artist.id,
        name: artist.name,
        'sort-name': artist['sort-name'],
        disambiguation: artist.disambiguation,
      }),
    });
  });
}

function searchReleaseGroup(group: Json): Json {
  return omitEmpty({
    id: group.id,
    'type-id': group['primary-type-id'],
    'primary-type-id': group['primary-type-id'],
    title: group.title,
    'primary-type': group['primary-type'],
  });
}

/** The short release of a WS/2 search hit. */
function searchRelease(release: Json, score: number): Json {
  const media = arr(release.media);
  return omitEmpty({
    id: release.id,
    score,
    'status-id': release['status-id'],
    count: 1,
    title: release.title,
    status: release.status,
    packaging: release.packaging,
    'text-representation': release['text-representation'],
    'artist-credit': searchArtistCredit(release['artist-credit']),
    'release-group': searchReleaseGroup(obj(release['release-group']) ?? {}),
    date: release.date,
    country: release.country,
    'release-events': release['release-events'],
    barcode: release.barcode,
    asin: release.asin,
    'label-info': arr(release['label-info']).map((l) =>
      omitEmpty({
        'catalog-number': l['catalog-number'],
        label: omitEmpty({ id: obj(l.label)?.id, name: obj(l.label)?.name }),
      }),
    ),
    'track-count': trackCount(release),
    media: media.map((m) =>
      omitEmpty({
        format: m.format,
        'disc-count': arr(m.discs).length,
        'track-count': Number(m['track-count']) || arr(m.tracks).length,
      }),
    ),
  });
}

// ---------------------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------------------

function mbError(res: ServerResponse, status: number, error: string): void {
  sendJson(res, status, status === 503 ? { error } : { error, help: MB_HELP });
}

function pageOf(query: Record<string, string>): { limit: number; offset: number } {
  const limit = Number.parseInt(query.limit ?? '', 10);
  const offset = Number.parseInt(query.offset ?? '', 10);
  return {
    limit: Number.isFinite(limit) ? Math.min(100, Math.max(1, limit)) : 25,
    offset: Number.isFinite(offset) ? Math.max(0, offset) : 0,
  };
}

export async function startMusicBrainzFake(opts: MusicBrainzFakeOptions = {}): Promise<MusicBrainzFake> {
  const releases = new Map<string, Json>();
  const recordings = new Map<string, Json>();
  const addRelease = (body: Json): void => {
    releases.set(str(body.id).toLowerCase(), body);
  };
  for (const body of [...(opts.releases ?? defaultMbReleases()), ...(opts.extraReleases ?? [])])
    addRelease(body);
  for (const body of opts.recordings ?? defaultMbRecordings())
    recordings.set(str(body.id).toLowerCase(), body);

  const state = {
    rateLimitPerSecond: opts.rateLimitPerSecond ?? null,
    requireUserAgent: opts.requireUserAgent ?? true,
  };
  const served: number[] = []; // arrival times of requests not refused by the rate limit
  const rateLimited: TimedRequest[] = [];

  const releaseGroup = (id: string): { group: Json; members: Json[] } | undefined => {
    const members = [...releases.values()].filter(
      (r) => str(obj(r['release-group'])?.id).toLowerCase() === id,
    );
    const group = obj(members[0]?.['release-group']);
    return group ? { group, members } : undefined;
  };

  /** Recording `id`: a standalone body, else the recording inside a release (with the releases using it). */
  const recording = (id: string): { body: Json; on: Json[] } | undefined => {
    const on: Json[] = [];
    let found: Json | undefined;
    for (const release of releases.values())
      for (const medium of arr(release.media))
        for (const track of arr(medium.tracks)) {
          const rec = obj(track.recording);
          if (rec && str(rec.id).toLowerCase() === id) {
            found ??= rec;
            if (!on.includes(release)) on.push(release);
          }
        }
    const standalone = recordings.get(id);
    if (standalone) return { body: standalone, on };
    return found ? { body: found, on } : undefined;
  };

  const lookup = (entity: Entity, id: string, inc: Set<string>, res: ServerResponse) => {
    const targets = relTargets(inc);
    if (entity === 'release') {
      const full = releases.get(id);
      return full ? sendJson(res, 200, shapeRelease(full, inc)) : mbError(res, 404, 'Not Found');
    }
    if (entity === 'release-group') {
      const found = releaseGroup(id);
      if (!found) return mbError(res, 404, 'Not Found');
      const out = pick(found.group, RELEASE_GROUP_BASE);
      if (wantsArtistCredit(inc)) out['artist-credit'] = structuredClone(found.group['artist-credit'] ?? []);
      if (inc.has('releases'))
        out.releases = found.members.map((r) => {
          const short = pick(
            r,
            RELEASE_BASE.filter((k) => k !== 'asin' && k !== 'cover-art-archive'),
          );
          if (inc.has('media'))
            short.media = arr(r.media).map((m) =>
              pick(m, ['position', 'title', 'format', 'format-id', 'track-count']),
            );
          return short;
        });
      shapeMisc(found.group, inc, out);
      if (targets.size > 0) out.relations = filterRelations(found.group.relations, targets);
      return sendJson(res, 200, out);
    }
    const found = recording(id);
    if (!found) return mbError(res, 404, 'Not Found');
    const out = pick(found.body, RECORDING_BASE);
    if (wantsArtistCredit(inc)) out['artist-credit'] = structuredClone(found.body['artist-credit'] ?? []);
    if (inc.has('isrcs')) out.isrcs = structuredClone(found.body.isrcs ?? []);
    if (inc.has('releases'))
      out.releases = found.on.map((r) =>
        pick(
          r,
          RELEASE_BASE.filter((k) => k !== 'asin' && k !== 'cover-art-archive'),
        ),
      );
    shapeMisc(found.body, inc, out);
    if (targets.size > 0) out.relations = filterRelations(found.body.relations, targets);
    return sendJson(res, 200, out);
  };

  const search = (entity: Entity, query: Record<string, string>, res: ServerResponse) => {
    const q = query.query ?? '';
    const { limit, offset } = pageOf(query);
    const created = new Date().toISOString();
    if (entity === 'release') {
      const hits = luceneSearch(q, [...releases.values()], releaseDoc);
      return sendJson(res, 200, {
        created,
        count: hits.length,
        offset,
        releases: hits.slice(offset, offset + limit).map((h) => searchRelease(h.item, h.score)),
      });
    }
    if (entity === 'release-group') {
      const groups = new Map<string, { group: Json; members: Json[] }>();
      for (const r of releases.values()) {
        const group = obj(r['release-group']);
        if (!group) continue;
        const id = str(group.id).toLowerCase();
        const entry = groups.get(id) ?? { group, members: [] };
        entry.members.push(r);
        groups.set(id, entry);
      }
      const hits = luceneSearch(q, [...groups.values()], ({ group, members }) => {
        const artists = creditNames(group['artist-credit']);
        const title = str(group.title);
        return {
          default: [title, ...artists],
          releasegroup: [title],
          releasegroupaccent: [title],
          release: members.map((m) => str(m.title)),
          reid: members.map((m) => str(m.id)),
          rgid: [str(group.id)],
          artist: artists,
          artistname: artists,
          creditname: artists,
          arid: creditIds(group['artist-credit']),
          primarytype: [str(group['primary-type'])],
          firstreleasedate: [str(group['first-release-date'])],
        };
      });
      return sendJson(res, 200, {
        created,
        count: hits.length,
        offset,
        'release-groups': hits.slice(offset, offset + limit).map(({ item: { group, members }, score }) =>
          omitEmpty({
            id: group.id,
            'type-id': group['primary-type-id'],
            score,
            'primary-type-id': group['primary-type-id'],
            count: members.length,
            title: group.title,
            'first-release-date': group['first-release-date'],
            'primary-type': group['primary-type'],
            'artist-credit': searchArtistCredit(group['artist-credit']),
            releases: members.map((m) =>
              omitEmpty({ id: m.id, 'status-id': m['status-id'], title: m.title, status: m.status }),
            ),
          }),
        ),
      });
    }
    // Recordings: those inside releases (with the tracks that use them), then the standalone fixtures.
    type Use = { release: Json; medium: Json; track: Json };
    const byId = new Map<string, { body: Json; uses: Use[] }>();
    for (const release of releases.values())
      for (const medium of arr(release.media))
        for (const track of arr(medium.tracks)) {
          const rec = obj(track.recording);
          if (!rec) continue;
          const id = str(rec.id).toLowerCase();
          const entry = byId.get(id) ?? { body: recordings.get(id) ?? rec, uses: [] };
          entry.uses.push({ release, medium, track });
          byId.set(id, entry);
        }
    for (const [id, body] of recordings) if (!byId.has(id)) byId.set(id, { body, uses: [] });
    const hits = luceneSearch(q, [...byId.values()], ({ body, uses }) => {
      const artists = creditNames(body['artist-credit']);
      const title = str(body.title);
      return {
        default: [title, ...artists],
        recording: [title],
        recordingaccent: [title],
        artist: artists,
        artistname: artists,
        creditname: artists,
        arid: creditIds(body['artist-credit']),
        rid: [str(body.id)],
        tid: uses.map((u) => str(u.track.id)),
        reid: uses.map((u) => str(u.release.id)),
        release: uses.map((u) => str(u.release.title)),
        rgid: uses.map((u) => str(obj(u.release['release-group'])?.id)),
        tnum: uses.map((u) => str(u.track.position)),
        number: uses.map((u) => str(u.track.number)),
        isrc: arr(body.isrcs).map(str),
      };
    });
    return sendJson(res, 200, {
      created,
      count: hits.length,
      offset,
      recordings: hits.slice(offset, offset + limit).map(({ item: { body, uses }, score }) =>
        omitEmpty({
          id: body.id,
          score,
          title: body.title,
          length: body.length,
          video: null,
          'artist-credit': searchArtistCredit(body['artist-credit']),
          'first-release-date': body['first-release-date'],
          isrcs: body.isrcs,
          releases: uses.map(({ release, medium, track }) =>
            omitEmpty({
              ...searchRelease(release, 0),
              score: undefined,
              'label-info': undefined,
              media: [
                omitEmpty({
                  position: medium.position,
                  format: medium.format,
                  track: [pick(track, ['id', 'number', 'title', 'length'])],
                  'track-count': medium['track-count'],
                  'track-offset': Number(track.position) - 1,
                }),
              ],
            }),
          ),
        }),
      ),
    });
  };

  const handle = (req: RecordedHttpRequest, res: ServerResponse) => {
    const timed = req as TimedRequest;
    const ua = req.headers['user-agent'];
    if (state.requireUserAgent && (typeof ua !== 'string' || ua.trim() === ''))
      return mbError(res, 403, MB_USER_AGENT_ERROR);
    while (served.length > 0 && (served[0] ?? 0) <= timed.at - 1000) served.shift();
    if (state.rateLimitPerSecond !== null) {
      const recent = served.filter((t) => t <= timed.at).length;
      if (recent >= state.rateLimitPerSecond) {
        rateLimited.push(timed);
        return mbError(res, 503, MB_RATE_LIMIT_ERROR);
      }
    }
    served.push(timed.at);
    if (req.method !== 'GET') return mbError(res, 405, 'Method Not Allowed');
    const match = /^\/ws\/2\/([a-z-]+)(?:\/([^/]*))?\/?$/.exec(req.path);
    if (!match) return mbError(res, 404, 'Not Found');
    const wantsJson = req.query.fmt === 'json' || /application\/json/.test(req.headers.accept ?? '');
    if (!wantsJson) {
      // Without fmt=json (or Accept: application/json) MusicBrainz answers XML; this fake only speaks JSON.
      res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://musicbrainz.org/ns/mmd-2.0#"/>\n<!-- add fmt=json -->',
      );
      return;
    }
    const entity = match[1] as string;
    const id = match[2] ?? '';
    if (entity !== 'release' && entity !== 'release-group' && entity !== 'recording')
      return mbError(res, 404, 'Not Found');
    const inc = new Set((req.query.inc ?? '').split(/[\s+]+/).filter(Boolean));
    for (const i of inc)
      if (!VALID_INCS[entity].has(i))
        return mbError(res, 400, `${i} is not a valid inc parameter for the ${entity} resource.`);
    if (id) {
      if (!MBID.test(id)) return mbError(res, 400, 'Invalid mbid.');
      return lookup(entity, id.toLowerCase(), inc, res);
    }
    if (req.query.query !== undefined) return search(entity, req.query, res);
    const groupId = req.query['release-group'];
    if (entity === 'release' && groupId !== undefined) {
      if (!MBID.test(groupId)) return mbError(res, 400, 'Invalid mbid.');
      const { limit, offset } = pageOf(req.query);
      const members = releaseGroup(groupId.toLowerCase())?.members ?? [];
      return sendJson(res, 200, {
        'release-count': members.length,
        'release-offset': offset,
        releases: members.slice(offset, offset + limit).map((r) => shapeRelease(r, inc)),
      });
    }
    return mbError(
      res,
      400,
      `Invalid resource: ${entity}. Use a query, a linked entity to browse, or an MBID.`,
    );
  };

  const fake = await startHttpFake(handle);
  const requests = fake.requests as TimedRequest[];
  // Stamp each request with its arrival time as http-fake logs it (before failure modes and the handler).
  const push = requests.push.bind(requests);
  requests.push = (...items: TimedRequest[]) => {
    const now = performance.timeOrigin + performance.now();
    for (const item of items) item.at = now;
    return push(...items);
  };

  const extras = {
    requests,
    rateLimited,
    releases,
    recordings,
    addRelease,
    get at() {
      return requests.map((r) => r.at);
    },
    get rateLimitPerSecond() {
      return state.rateLimitPerSecond;
    },
    set rateLimitPerSecond(value: number | null) {
      state.rateLimitPerSecond = value;
    },
    get requireUserAgent() {
      return state.requireUserAgent;
    },
    set requireUserAgent(value: boolean) {
      state.requireUserAgent = value;
    },
  };
  // Descriptors, not Object.assign, which would copy the getters' current values instead of the accessors.
  Object.defineProperties(fake, Object.getOwnPropertyDescriptors(extras));
  return fake as HttpFake & typeof extras;
}
