import { parseLocalDate, type LocalDate } from '../dates.js';
import { instantOfWallClock, wallClockOf } from './wall-clock.js';

/** An ISO 8601 duration as written, unnormalised: P1M stays one month, PT90M stays 90 minutes. */
export interface Duration {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

// Whole, non-negative components in ISO order. The lookaheads reject a bare "P" and a "T" with
// nothing after it. Weeks may combine with other parts (ISO 8601-2), as policies write P1W3D.
const ISO_DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

const MS = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

export function parseDuration(text: string): Duration {
  const m = typeof text === 'string' ? ISO_DURATION.exec(text) : null;
  if (!m) throw new RangeError(`not an ISO 8601 duration such as P10D, P1M10D or PT30S: ${JSON.stringify(text)}`);
  const [years = 0, months = 0, weeks = 0, days = 0, hours = 0, minutes = 0, seconds = 0] = m.slice(1).map((part) => Number(part ?? 0));
  const duration: Duration = { years, months, weeks, days, hours, minutes, seconds };
  for (const [name, value] of Object.entries(duration)) {
    if (!Number.isSafeInteger(value)) throw new RangeError(`duration ${name} too large: ${JSON.stringify(text)}`);
  }
  return duration;
}

export function isDuration(text: string): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}

export function durationHasTime(d: Duration): boolean {
  return d.hours !== 0 || d.minutes !== 0 || d.seconds !== 0;
}

/**
 * The shortest span the duration can cover, in days, for checking policies against legal
 * minimums without a start date: a year is at least 365 days, a month at least 28 (2026-01-31
 * + P1M is 28 days later), and the time part counts as fractions of a day.
 */
export function minimumDays(d: Duration): number {
  const timeMs = d.hours * MS.hour + d.minutes * MS.minute + d.seconds * MS.second;
  return d.years * 365 + d.months * 28 + d.weeks * 7 + d.days + timeMs / MS.day;
}

/** The canonical ISO text, e.g. for storing a parsed value; a zero duration is "P0D". */
export function formatDuration(d: Duration): string {
  const date = [[d.years, 'Y'], [d.months, 'M'], [d.weeks, 'W'], [d.days, 'D']] as const;
  const time = [[d.hours, 'H'], [d.minutes, 'M'], [d.seconds, 'S']] as const;
  const write = (parts: readonly (readonly [number, string])[]) => parts.filter(([n]) => n !== 0).map(([n, u]) => `${n}${u}`).join('');
  const text = `P${write(date)}${durationHasTime(d) ? `T${write(time)}` : ''}`;
  return text === 'P' ? 'P0D' : text;
}

/**
 * Calendar arithmetic on a day: years and months first, clamped to the end of a shorter month
 * (2026-01-31 + P1M = 2026-02-28), then weeks and days. A day has no time of day, so a
 * duration with a time part is refused rather than rounded.
 */
export function addDurationToDay(day: LocalDate, d: Duration): LocalDate {
  if (durationHasTime(d)) throw new RangeError(`cannot add a duration with a time part to a day: ${formatDuration(d)}`);
  const result = new Date(addCalendarPart(Date.parse(`${parseLocalDate(day)}T00:00:00Z`), d));
  const year = result.getUTCFullYear();
  if (!(year <= 9999)) throw new RangeError(`${day} + ${formatDuration(d)} is past year 9999`);
  return result.toISOString().slice(0, 10);
}

/**
 * The calendar part (years, months, weeks, days) moves the wall clock in `timeZone`, UTC when
 * omitted, so P1D means "same time tomorrow" even across a daylight-saving change, and months
 * clamp as for days. The time part is then added as elapsed milliseconds, so PT1H is always an
 * hour and second-scale policies in tests behave exactly.
 */
export function addDurationToInstant(instant: Date, d: Duration, timeZone = 'UTC'): Date {
  const start = instant.getTime();
  if (Number.isNaN(start)) throw new RangeError('cannot add a duration to an invalid Date');
  const movedWall = addCalendarPart(wallClockOf(start, timeZone), d);
  const timeMs = d.hours * MS.hour + d.minutes * MS.minute + d.seconds * MS.second;
  const result = new Date(instantOfWallClock(movedWall, timeZone) + timeMs);
  if (Number.isNaN(result.getTime())) throw new RangeError(`${instant.toISOString()} + ${formatDuration(d)} is out of range`);
  return result;
}

/** Adds years, months, weeks and days to a UTC-counted millisecond value, keeping the time of day. */
function addCalendarPart(ms: number, d: Duration): number {
  const start = new Date(ms);
  const timeOfDay = ms - Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  const target = new Date(0);
  target.setUTCFullYear(start.getUTCFullYear() + d.years, start.getUTCMonth() + d.months, 1);
  const lastDayOfMonth = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(start.getUTCDate(), lastDayOfMonth) + d.weeks * 7 + d.days);
  return target.getTime() + timeOfDay;
}
