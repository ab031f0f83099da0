import { Cron } from 'croner';
import { z } from 'zod';
import { tokenize } from './words.ts';

/**
 * Every setting Autoalex reads, validated in one place. `loadConfig(env)` is pure: it takes the
 * environment as an argument and either returns a frozen Config or throws ONE ConfigError that lists
 * every problem, so a newcomer fixes their `.env` in one go instead of one crash at a time.
 */

/** What the process is about to do decides which settings are required. */
export type ConfigMode = 'bot' | 'cli' | 'deploy' | 'worker';

const SNOWFLAKE = /^\d{17,20}$/;
export const PUBLIC_MUSICBRAINZ = 'https://musicbrainz.org';

/** The public MusicBrainz servers, whose 1 request/s limit must not be raised. */
export function isPublicMusicBrainz(url: string): boolean {
  return /^(www\.|beta\.)?musicbrainz\.org$/i.test(new URL(url).hostname);
}

function isCronPattern(value: string): boolean {
  try {
    new Cron(value, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

/** Settings whose values must never be echoed (in errors, logs or replies). */
export const SECRET_KEYS = ['DISCORD_TOKEN', 'PLEX_TOKEN', 'TAUTULLI_API_KEY', 'DISCOGS_TOKEN'] as const;

const optionalText = z.string().trim().min(1).optional();
const snowflake = z.string().trim().regex(SNOWFLAKE, 'must be a Discord id (17–20 digits)');
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .transform((value) => value.replace(/\/+$/, ''));
const seconds = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);
const schema = z.object({
  DISCORD_TOKEN: optionalText,
  DISCORD_CLIENT_ID: snowflake.optional(),
  DISCORD_GUILD_ID: snowflake.optional(),
  DISCORD_API_URL: httpUrl.optional(),
  DISCORD_ALERT_CHANNEL_ID: snowflake.optional(),
  ADMIN_ROLE_ID: snowflake.optional(),
  COMMAND_PREFIXES: z
    .string()
    .default('!alex,!plex')
    .transform((value) =>
      value
        .split(',')
        .map((prefix) => prefix.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(/^\S+$/, 'prefixes cannot contain spaces'))
        .min(1, 'needs at least one prefix'),
    ),

  PLEX_URL: httpUrl.optional(),
  PLEX_TOKEN: optionalText,
  PLEX_CONTAINER_NAME: z.string().trim().min(1).default('binhex-plexpass'),
  PLEX_POLL_INTERVAL: seconds(30, 1, 86_400),
  PLEX_POLL_TIMEOUT: seconds(10, 1, 120),
  PLEX_FAILURE_THRESHOLD: z.coerce
    .number({ error: 'must be a whole number of failed checks' })
    .int('must be a whole number of failed checks')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(2),
  PLEX_LOG_LINES: z.coerce
    .number({ error: 'must be a number of lines' })
    .int('must be a whole number of lines')
    .min(0, 'must be 0 or more')
    .max(5000, 'must be at most 5000')
    .default(50),
  PLEX_ALERT_REMINDER_MINUTES: z.coerce
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(0, 'must be 0 (off) or more')
    .max(10_080, 'must be at most 10080 (a week)')
    .default(0),
  MONITOR_ALLOW_RESTART: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes'),
  DOCKER_HOST: z
    .string()
    .trim()
    .regex(
      /^(unix:\/\/\/|tcp:\/\/|https?:\/\/)\S+$/,
      'must look like unix:///var/run/docker.sock or tcp://host:2375',
    )
    .optional(),
  PLEX_MUSIC_SECTIONS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  LIBRARY_REFRESH_MINUTES: z.coerce
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(0, 'must be 0 (never) or more')
    .max(10_080, 'must be at most 10080 (a week)')
    .default(60),

  PLAYLIST_NAME: z.string().trim().min(1).max(200, 'must be at most 200 characters').default('My Top Rated'),
  PLAYLIST_MIN_RATING: z.coerce
    .number({ error: 'must be a number from 1 to 10 (stars × 2; 8 = 4 stars)' })
    .min(1, 'must be at least 1 (half a star)')
    .max(10, 'must be at most 10 (5 stars)')
    .default(8),
  PLAYLIST_SYNC_CRON: z
    .string()
    .trim()
    .default('0 * * * *')
    .refine(
      (value) => value === 'off' || isCronPattern(value),
      'must be a cron pattern such as "0 * * * *", or off',
    ),
  PLAYLIST_SYNC_CHANNEL_ID: snowflake.optional(),

  TAUTULLI_URL: httpUrl.optional(),
  TAUTULLI_API_KEY: optionalText,
  USAGE_TERMINATE_MESSAGE: z
    .string()
    .trim()
    .max(500, 'must be at most 500 characters')
    .default('Your stream was stopped by the server admin.'),

  UPSTREAM_TIMEOUT: seconds(10, 1, 120),

  MUSICBRAINZ_APP_NAME: z.string().trim().min(1).default('Autoalex'),
  MUSICBRAINZ_CONTACT: optionalText,
  MUSICBRAINZ_USER_AGENT: optionalText,
  MUSICBRAINZ_URL: httpUrl.default(PUBLIC_MUSICBRAINZ),
  MUSICBRAINZ_RATE_LIMIT: z
    .string()
    .trim()
    .default('1')
    .refine(
      (v) => v === 'off' || (Number.isFinite(Number(v)) && Number(v) > 0 && Number(v) <= 1000),
      'must be requests per second (e.g. 1, 10) or off',
    ),
  DISCOGS_URL: httpUrl.default('https://api.discogs.com'),
  DISCOGS_TOKEN: optionalText,

  ACTIVITY_CHANNEL_ID: snowflake.optional(),
  ACTIVITY_REFRESH_SECONDS: seconds(30, 10, 3600),

  HISTORY_SYNC_SECONDS: z.coerce
    .number({ error: 'must be a whole number of seconds, or 0 for off' })
    .int('must be a whole number of seconds, or 0 for off')
    .refine((v) => v === 0 || (v >= 10 && v <= 86_400), 'must be 0 (off) or from 10 to 86400')
    .default(60),
  DIGEST_CHANNEL_ID: snowflake.optional(),
  DIGEST_CRON: z
    .string()
    .trim()
    .default('0 9 * * 1')
    .refine((value) => isCronPattern(value), 'must be a cron pattern such as "0 9 * * 1"'),

  DEMUCS_COMMAND: z.string().trim().min(1).default('demucs'),
  DEMUCS_MODEL: z
    .string()
    .trim()
    .regex(/^[\w.-]+$/, 'must be a model name such as htdemucs_ft or htdemucs')
    .default('htdemucs_ft'),
  DEMUCS_DEVICE: z.enum(['cpu', 'cuda'], { error: 'must be cpu or cuda' }).default('cpu'),
  DEMUCS_EXTRA_ARGS: z.string().trim().default(''),
  DEMUCS_TIMEOUT_MINUTES: z.coerce
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(1, 'must be at least 1')
    .max(1440, 'must be at most 1440 (a day)')
    .default(120),
  FFMPEG_PATH: optionalText,
  REMIX_CACHE_MAX_GB: z.coerce
    .number({ error: 'must be a number of gigabytes' })
    .min(0.1, 'must be at least 0.1')
    .max(10_000, 'must be at most 10000')
    .default(10),
  REMIX_CONCURRENCY: z.coerce
    .number({ error: 'must be a whole number of jobs' })
    .int('must be a whole number of jobs')
    .min(1, 'must be at least 1')
    .max(8, 'must be at most 8')
    .default(1),
  REMIX_QUEUE_MAX: z.coerce
    .number({ error: 'must be a whole number of jobs' })
    .int('must be a whole number of jobs')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(10),
  REMIX_MIX_CONCURRENCY: z.coerce
    .number({ error: 'must be a whole number of mixes' })
    .int('must be a whole number of mixes')
    .min(1, 'must be at least 1')
    .max(16, 'must be at most 16')
    .default(2),
  REMIX_MAX_TRACK_MINUTES: z.coerce
    .number({ error: 'must be a number of minutes' })
    .min(0.5, 'must be at least 0.5')
    .max(180, 'must be at most 180')
    .default(15),
  REMIX_QUEUE_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  REMIX_WORKER_LOCK_SECONDS: seconds(30, 1, 600),
  REMIX_PREVIEW_SECONDS: z.coerce
    .number({ error: 'must be a whole number of seconds (0 = no preview)' })
    .int('must be a whole number of seconds (0 = no preview)')
    .min(0, 'must be 0 (no preview) or more')
    .max(300, 'must be at most 300')
    .default(30),
  REMIX_PREVIEW_MODEL: z
    .string()
    .trim()
    .regex(/^[\w.-]+$/, 'must be a model name such as htdemucs')
    .default('htdemucs'),

  DATA_DIR: z.string().trim().min(1).default('/config'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TZ: optionalText,
});

type Parsed = z.infer<typeof schema>;

const REQUIRED: Record<ConfigMode, ReadonlyArray<keyof Parsed>> = {
  bot: ['DISCORD_TOKEN', 'TAUTULLI_URL', 'TAUTULLI_API_KEY'],
  cli: ['TAUTULLI_URL', 'TAUTULLI_API_KEY'],
  deploy: ['DISCORD_TOKEN', 'DISCORD_CLIENT_ID'],
  // A remix worker fetches tracks from Plex itself and talks to nobody else.
  worker: ['REMIX_QUEUE_URL', 'PLEX_URL', 'PLEX_TOKEN'],
};

/** PLEX_URL and PLEX_TOKEN only make sense together. */
const PAIRS: ReadonlyArray<readonly [keyof Parsed, keyof Parsed]> = [['PLEX_URL', 'PLEX_TOKEN']];

export type Config = Readonly<{
  discord: {
    token: string | undefined;
    clientId: string | undefined;
    guildId: string | undefined;
    apiUrl: string | undefined;
    alertChannelId: string | undefined;
    adminRoleId: string | undefined;
    prefixes: readonly string[];
  };
  monitor: {
    pollIntervalS: number;
    pollTimeoutMs: number;
    failureThreshold: number;
    logLines: number;
    reminderMinutes: number;
    allowRestart: boolean;
    dockerHost: string | undefined;
  };
  plex: {
    url: string | undefined;
    token: string | undefined;
    containerName: string;
    pollIntervalS: number;
    /** Music sections to use, by title or id; empty = every music section. */
    musicSections: readonly string[];
    /** How often the autocomplete index is rebuilt; 0 = only at start-up and on demand. */
    libraryRefreshMinutes: number;
  };
  tautulli: { url: string | undefined; apiKey: string | undefined; terminateMessage: string };
  playlists: {
    name: string;
    /** Plex userRating threshold, 0–10 (stars × 2). */
    minRating: number;
    /** Croner pattern, or null when scheduled syncs are off. */
    cron: string | null;
    channelId: string | undefined;
  };
  upstreamTimeoutMs: number;
  musicbrainz: {
    appName: string;
    contact: string | undefined;
    userAgent: string | undefined;
    url: string;
    /** Requests per second, or null for no limit (self-hosted mirrors only). */
    ratePerSecond: number | null;
  };
  discogs: { url: string; token: string | undefined };
  history: {
    /** Seconds between history mirror ticks; 0 = no mirror (every stat walks Tautulli). */
    syncSeconds: number;
  };
  digest: {
    /** Where the scheduled digest is posted; unset = no scheduled digest. */
    channelId: string | undefined;
    cron: string;
  };
  activity: {
    /** The channel holding the live now-playing board; unset = no board. */
    channelId: string | undefined;
    refreshS: number;
  };
  remix: {
    /** The demucs executable and any leading arguments, e.g. ['python3', '-m', 'demucs']. */
    demucsCommand: readonly string[];
    model: string;
    device: 'cpu' | 'cuda';
    extraArgs: readonly string[];
    timeoutMs: number;
    /** ffmpeg for mixing; undefined = the binary shipped in @ffmpeg-installer/ffmpeg. */
    ffmpegPath: string | undefined;
    cacheMaxBytes: number;
    concurrency: number;
    queueMax: number;
    /** ffmpeg mixes run at once; more wait their turn (30 cached remixes must not start 30 ffmpeg). */
    mixConcurrency: number;
    maxTrackSeconds: number;
    /** Length of the CPU preview excerpt; 0 = no preview (straight to the full track). */
    previewSeconds: number;
    /** The Demucs model the preview is separated with (one model, four times faster than a bag of four). */
    previewModel: string;
    /** The whole environment Demucs and ffmpeg get: CHILD_ENV_NAMES taken from the bot's, never a secret. */
    childEnv: Readonly<Record<string, string>>;
    /** redis://… of the BullMQ queue that remote workers take separations from; undefined = in-process. */
    queueUrl: string | undefined;
    /** How long a worker's hold on a job lasts unrenewed: a dead worker's job is taken over after about this. */
    workerLockMs: number;
  };
  dataDir: string;
  logLevel: Parsed['LOG_LEVEL'];
  timeZone: string | undefined;
  /** The secret values themselves, so the logger can scrub them wherever they appear. */
  secrets: readonly string[];
  /** The process's PATH, where DEMUCS_COMMAND is looked up (not a setting of its own). */
  searchPath: string;
}>;

/**
 * What Demucs and ffmpeg may see of the bot's environment: what finds and runs them (PATH, HOME, locale,
 * temp dir), Python, PyTorch and thread settings, and the GPU runtime's. Nothing else: the bot's tokens and
 * keys (SECRET_KEYS) never reach a child process.
 */
const CHILD_ENV_NAMES =
  /^(PATH|HOME|USER|LANG|LANGUAGE|TZ|TMPDIR|TEMP|TMP|LD_LIBRARY_PATH|XDG_CACHE_HOME|TORCH_HOME|LC_\w+|PYTHON\w*|OMP_\w+|MKL_\w+|OPENBLAS_\w+|CUDA_\w+|NVIDIA_\w+)$/;

function childEnv(env: Record<string, string | undefined>): Readonly<Record<string, string>> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && CHILD_ENV_NAMES.test(name)) picked[name] = value;
  }
  return Object.freeze(picked);
}

/** Thrown by loadConfig; `message` lists every problem, one per line, and never contains a value. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      `Autoalex cannot start: the configuration has ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** The password in redis://user:password@host, as written and decoded: scrubbed from logs like the tokens. */
function queuePasswords(url: string | undefined): string[] {
  const raw = url ? new URL(url).password : '';
  return raw ? [...new Set([raw, decodeURIComponent(raw)])] : [];
}

/** Docker and .env files often leave `KEY=` lines: treat empty as unset, as t3-env's emptyStringAsUndefined does. */
function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') out[key] = value;
  }
  return out;
}

/** Validates the environment for the given mode. Pure: reads nothing but `env`. */
export function loadConfig(env: Record<string, string | undefined>, mode: ConfigMode = 'bot'): Config {
  const result = schema.safeParse(withoutEmpty(env));
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      // zod's own messages can quote the input; ours never do, and only the key and message are printed.
      problems.push(`${issue.path.join('.')} ${issue.message}`);
    }
  }
  const raw = withoutEmpty(env);
  for (const key of REQUIRED[mode]) {
    if (raw[key] === undefined) problems.push(`${key} is required but not set`);
  }
  for (const [a, b] of PAIRS) {
    if ((raw[a] === undefined) !== (raw[b] === undefined))
      problems.push(`${a} and ${b} must be set together`);
  }
  if (result.success && isPublicMusicBrainz(result.data.MUSICBRAINZ_URL)) {
    const rate = result.data.MUSICBRAINZ_RATE_LIMIT;
    if (rate === 'off' || Number(rate) > 1) {
      problems.push(
        'MUSICBRAINZ_RATE_LIMIT can only be raised or turned off for a self-hosted mirror (MUSICBRAINZ_URL); the public MusicBrainz server allows 1 request per second',
      );
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  const c = result.data;
  return Object.freeze({
    discord: {
      token: c.DISCORD_TOKEN,
      clientId: c.DISCORD_CLIENT_ID,
      guildId: c.DISCORD_GUILD_ID,
      apiUrl: c.DISCORD_API_URL,
      alertChannelId: c.DISCORD_ALERT_CHANNEL_ID,
      adminRoleId: c.ADMIN_ROLE_ID,
      prefixes: c.COMMAND_PREFIXES,
    },
    plex: {
      url: c.PLEX_URL,
      token: c.PLEX_TOKEN,
      containerName: c.PLEX_CONTAINER_NAME,
      pollIntervalS: c.PLEX_POLL_INTERVAL,
      musicSections: c.PLEX_MUSIC_SECTIONS,
      libraryRefreshMinutes: c.LIBRARY_REFRESH_MINUTES,
    },
    monitor: {
      pollIntervalS: c.PLEX_POLL_INTERVAL,
      pollTimeoutMs: c.PLEX_POLL_TIMEOUT * 1000,
      failureThreshold: c.PLEX_FAILURE_THRESHOLD,
      logLines: c.PLEX_LOG_LINES,
      reminderMinutes: c.PLEX_ALERT_REMINDER_MINUTES,
      allowRestart: c.MONITOR_ALLOW_RESTART,
      dockerHost: c.DOCKER_HOST,
    },
    playlists: {
      name: c.PLAYLIST_NAME,
      minRating: c.PLAYLIST_MIN_RATING,
      cron: c.PLAYLIST_SYNC_CRON === 'off' ? null : c.PLAYLIST_SYNC_CRON,
      channelId: c.PLAYLIST_SYNC_CHANNEL_ID,
    },
    tautulli: {
      url: c.TAUTULLI_URL,
      apiKey: c.TAUTULLI_API_KEY,
      terminateMessage: c.USAGE_TERMINATE_MESSAGE,
    },
    upstreamTimeoutMs: c.UPSTREAM_TIMEOUT * 1000,
    musicbrainz: {
      appName: c.MUSICBRAINZ_APP_NAME,
      contact: c.MUSICBRAINZ_CONTACT,
      userAgent: c.MUSICBRAINZ_USER_AGENT,
      url: c.MUSICBRAINZ_URL,
      ratePerSecond: c.MUSICBRAINZ_RATE_LIMIT === 'off' ? null : Number(c.MUSICBRAINZ_RATE_LIMIT),
    },
    discogs: { url: c.DISCOGS_URL, token: c.DISCOGS_TOKEN },
    activity: { channelId: c.ACTIVITY_CHANNEL_ID, refreshS: c.ACTIVITY_REFRESH_SECONDS },
    history: { syncSeconds: c.HISTORY_SYNC_SECONDS },
    digest: { channelId: c.DIGEST_CHANNEL_ID, cron: c.DIGEST_CRON },
    remix: {
      demucsCommand: tokenize(c.DEMUCS_COMMAND),
      model: c.DEMUCS_MODEL,
      device: c.DEMUCS_DEVICE,
      extraArgs: tokenize(c.DEMUCS_EXTRA_ARGS),
      timeoutMs: c.DEMUCS_TIMEOUT_MINUTES * 60_000,
      ffmpegPath: c.FFMPEG_PATH,
      cacheMaxBytes: Math.round(c.REMIX_CACHE_MAX_GB * 1024 ** 3),
      concurrency: c.REMIX_CONCURRENCY,
      queueMax: c.REMIX_QUEUE_MAX,
      mixConcurrency: c.REMIX_MIX_CONCURRENCY,
      maxTrackSeconds: Math.round(c.REMIX_MAX_TRACK_MINUTES * 60),
      previewSeconds: c.REMIX_PREVIEW_SECONDS,
      previewModel: c.REMIX_PREVIEW_MODEL,
      childEnv: childEnv(env),
      queueUrl: c.REMIX_QUEUE_URL,
      workerLockMs: c.REMIX_WORKER_LOCK_SECONDS * 1000,
    },
    dataDir: c.DATA_DIR,
    logLevel: c.LOG_LEVEL,
    timeZone: c.TZ,
    secrets: [...SECRET_KEYS.map((key) => c[key]), ...queuePasswords(c.REMIX_QUEUE_URL)].filter(
      (value): value is string => value !== undefined,
    ),
    searchPath: env.PATH ?? '',
  });
}

/** The keys the schema knows, for the README/.env.example consistency test. */
export const CONFIG_KEYS: readonly string[] = Object.keys(schema.shape);
