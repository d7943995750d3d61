/**
 * Wall-clock time in a time zone, as milliseconds counted as if the zone were UTC. Only
 * Intl is used, so this stays free of Node APIs and of the machine's own zone.
 */

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

export function wallClockOf(epochMs: number, timeZone: string): number {
  return epochMs + offsetAt(epochMs, timeZone);
}

/**
 * The instant a wall-clock time names. Like Temporal's 'compatible' choice: a time repeated when
 * clocks go back takes the earlier instant; a time skipped when clocks go forward is read with the
 * offset from before the change, so it lands as far past the gap as it was into it.
 */
export function instantOfWallClock(wallMs: number, timeZone: string): number {
  const offsetBefore = offsetAt(wallMs - DAY_MS, timeZone);
  const offsetAfter = offsetAt(wallMs + DAY_MS, timeZone);
  const matches = [wallMs - offsetBefore, wallMs - offsetAfter].filter((t) => wallClockOf(t, timeZone) === wallMs);
  return matches.length > 0 ? Math.min(...matches) : wallMs - offsetBefore;
}

const QUARTER_HOUR_MS = 15 * 60_000;
const offsets = new Map<string, number>();

/**
 * Zone offsets change only at transitions on quarter-hour boundaries, so one look-up serves a
 * whole quarter hour: formatting is by far the dearest part of planning a schedule.
 */
function offsetAt(epochMs: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const bucket = Math.floor(epochMs / QUARTER_HOUR_MS);
  const key = `${timeZone}|${bucket}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = computeOffset(bucket * QUARTER_HOUR_MS, timeZone);
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

function computeOffset(epochMs: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(epochMs);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  const wholeSeconds = epochMs - (((epochMs % 1000) + 1000) % 1000);
  return wall - wholeSeconds;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws a RangeError for an unknown zone, which is the error callers should see.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}
