import { quoteTyped } from '../../markdown.ts';
import { UserFacingError } from '../../errors.ts';

/**
 * Listening periods in the server's time zone (TZ): this week (from Monday 00:00), this month, this year,
 * a calendar year like 2025, or all time. Tautulli's own date filters are day-granular in its local time
 * (webserve.get_history: `strftime('%Y-%m-%d', datetime(started, 'unixepoch', 'localtime'))`), and the bot
 * runs beside it with the same TZ, so both sides agree on where a day starts.
 */

export interface Period {
  /** `all`, `week`, `month`, `year` or a year like `2025`: what travels in ids and options. */
  name: string;
  /** Unix seconds, inclusive; 0 for all time. */
  from: number;
  /** Unix seconds, exclusive; Infinity for "until now". */
  to: number;
}

export const ALL_TIME: Period = { name: 'all', from: 0, to: Number.POSITIVE_INFINITY };

export const PERIOD_NAMES = ['week', 'month', 'year', 'all'] as const;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    });
    formatters.set(key, f);
  }
  return f;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function localParts(unixSeconds: number, timeZone: string | undefined): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(unixSeconds * 1000))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? 'Mon'),
  };
}

/** The local calendar day of a moment, `YYYY-MM-DD`, as Tautulli's after/before compare it. */
export function localDay(unixSeconds: number, timeZone: string | undefined): string {
  const p = localParts(unixSeconds, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/**
 * Unix seconds of local midnight starting the given day (month and day may overflow, like Date.UTC). Found
 * by guessing with the zone's offset and correcting once, which settles across DST changes.
 */
export function localMidnight(
  year: number,
  month: number,
  day: number,
  timeZone: string | undefined,
): number {
  const wall = Date.UTC(year, month - 1, day) / 1000;
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const p = localParts(guess, timeZone);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000;
    const next = guess + (wall - shown);
    if (next === guess) break;
    guess = next;
  }
  return guess;
}

/** The day after `YYYY-MM-DD`, as a string (calendar arithmetic, no zone involved). */
export function nextDay(day: string, by = 1): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + by)).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (both `YYYY-MM-DD`). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Unix seconds of local midnight at the start of `YYYY-MM-DD`. */
export function dayStart(day: string, timeZone: string | undefined): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return localMidnight(y, m, d, timeZone);
}

/**
 * Parses a `period` option: week, month, year, all, or a calendar year. Bad input gets a clear answer.
 * `now` is unix seconds (tests pin it).
 */
export function parsePeriod(
  text: string | undefined,
  timeZone: string | undefined,
  now = Math.floor(Date.now() / 1000),
): Period {
  const name = (text ?? 'all').trim().toLowerCase() || 'all';
  const p = localParts(now, timeZone);
  switch (name) {
    case 'all':
      return ALL_TIME;
    case 'week':
      return { name, from: localMidnight(p.year, p.month, p.day - p.weekday, timeZone), to: Infinity };
    case 'month':
      return { name, from: localMidnight(p.year, p.month, 1, timeZone), to: Infinity };
    case 'year':
      return { name, from: localMidnight(p.year, 1, 1, timeZone), to: Infinity };
    default:
      if (/^\d{4}$/.test(name) && Number(name) >= 2000 && Number(name) <= p.year) {
        const year = Number(name);
        return {
          name,
          from: localMidnight(year, 1, 1, timeZone),
          to: localMidnight(year + 1, 1, 1, timeZone),
        };
      }
      throw new UserFacingError(
        `\`period\` must be week, month, year, all or a year from 2000 to ${p.year} (you wrote “${quoteTyped(text ?? '', 40)}”).`,
      );
  }
}

/** "this week", "in 2025", "" for all time: the tail of a sentence. */
export function periodPhrase(period: Period): string {
  switch (period.name) {
    case 'all':
      return '';
    case 'week':
      return 'this week';
    case 'month':
      return 'this month';
    case 'year':
      return 'this year';
    default:
      return `in ${period.name}`;
  }
}
