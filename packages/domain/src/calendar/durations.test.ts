import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../dates.js';
import { addDurationToDay, addDurationToInstant, durationHasTime, formatDuration, isDuration, minimumDays, parseDuration } from './durations.js';

const zero = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
const add = (day: string, text: string) => addDurationToDay(day, parseDuration(text));
const addToInstant = (iso: string, text: string, timeZone?: string) =>
  addDurationToInstant(new Date(iso), parseDuration(text), timeZone).toISOString();

describe('parsing durations', () => {
  it.each([
    ['P10D', { days: 10 }],
    ['P1W', { weeks: 1 }],
    ['P2M', { months: 2 }],
    ['P1Y', { years: 1 }],
    ['P1M10D', { months: 1, days: 10 }],
    ['P1Y2M3W4D', { years: 1, months: 2, weeks: 3, days: 4 }],
    ['P0D', {}],
    ['PT30S', { seconds: 30 }],
    ['PT5M', { minutes: 5 }],
    ['PT1H', { hours: 1 }],
    ['PT36H', { hours: 36 }],
    ['P1DT12H', { days: 1, hours: 12 }],
    ['P1MT1M', { months: 1, minutes: 1 }],
    ['PT0S', {}],
  ])('reads %s', (text, parts) => {
    expect(parseDuration(text)).toEqual({ ...zero, ...parts });
    expect(isDuration(text)).toBe(true);
  });

  it.each(['', 'P', 'PT', '10D', 'P-1D', 'P1.5D', 'P1,5D', 'P1H', 'P1DT', 'PT1D', 'P1D1M', 'p10d', ' P10D', 'P10D ', 'P1S', 'PT1W', 'P99999999999999999999D'])(
    'rejects %j',
    (text) => {
      expect(() => parseDuration(text)).toThrow(RangeError);
      expect(isDuration(text)).toBe(false);
    },
  );

  it('says what it expected', () => {
    expect(() => parseDuration('10D')).toThrow(/ISO 8601 duration.*"10D"/);
  });

  it('tells date-only durations from those with a time part', () => {
    expect(durationHasTime(parseDuration('P1M10D'))).toBe(false);
    expect(durationHasTime(parseDuration('PT0S'))).toBe(false);
    expect(durationHasTime(parseDuration('PT30S'))).toBe(true);
    expect(durationHasTime(parseDuration('P1DT12H'))).toBe(true);
  });

  it.each([
    ['P10D', 'P10D'],
    ['P0D', 'P0D'],
    ['PT0S', 'P0D'],
    ['P1Y2M3W4DT5H6M7S', 'P1Y2M3W4DT5H6M7S'],
    ['P1DT0H30M', 'P1DT30M'],
  ])('formats %s canonically as %s', (text, canonical) => {
    expect(formatDuration(parseDuration(text))).toBe(canonical);
  });
});

describe('the shortest span of a duration', () => {
  it.each([
    ['P10D', 10],
    ['P2W', 14],
    ['P1M', 28],
    ['P1Y', 365],
    ['P1M10D', 38],
    ['P0D', 0],
    ['PT36H', 1.5],
    ['P7DT12H', 7.5],
  ])('%s covers at least %d days', (text, days) => {
    expect(minimumDays(parseDuration(text))).toBe(days);
  });

  it('never exceeds the days actually added to any start day', () => {
    const shortfalls: string[] = [];
    for (const text of ['P1M', 'P2M', 'P1Y', 'P1Y1M', 'P11M', 'P1M3D']) {
      const d = parseDuration(text);
      for (let day = '2023-01-01'; day < '2029-01-01'; day = addDays(day, 1)) {
        if (daysBetween(day, addDurationToDay(day, d)) < minimumDays(d)) shortfalls.push(`${day} + ${text}`);
      }
    }
    expect(shortfalls).toEqual([]);
  });
});

describe('adding durations to days', () => {
  it.each([
    ['2026-03-01', 'P10D', '2026-03-11'],
    ['2026-12-25', 'P1W', '2027-01-01'],
    ['2026-01-31', 'P1M', '2026-02-28'],
    ['2028-01-31', 'P1M', '2028-02-29'],
    ['2026-03-31', 'P1M', '2026-04-30'],
    ['2026-11-30', 'P2M', '2027-01-30'],
    ['2024-02-29', 'P1Y', '2025-02-28'],
    ['2026-01-31', 'P1M10D', '2026-03-10'],
    ['2025-01-31', 'P1Y1M', '2026-02-28'],
    ['2026-05-15', 'P0D', '2026-05-15'],
    ['2026-05-15', 'PT0S', '2026-05-15'],
    ['2026-03-28', 'P2D', '2026-03-30'],
  ])('%s + %s = %s', (day, text, expected) => {
    expect(add(day, text)).toBe(expected);
  });

  it('refuses a time part, an invalid day and a result past year 9999', () => {
    expect(() => add('2026-01-01', 'PT36H')).toThrow(/time part.*PT36H/);
    expect(() => add('2026-01-01', 'P1DT1S')).toThrow(RangeError);
    expect(() => add('2026-02-30', 'P1D')).toThrow(RangeError);
    expect(() => add('9999-12-31', 'P1D')).toThrow(RangeError);
    expect(() => add('2026-01-01', 'P9007199254740991D')).toThrow(RangeError);
  });
});

describe('adding durations to instants', () => {
  it('adds the time part as elapsed time, at second scale', () => {
    expect(addToInstant('2026-05-15T10:00:00.250Z', 'PT30S')).toBe('2026-05-15T10:00:30.250Z');
    expect(addToInstant('2026-05-15T10:00:00Z', 'PT5M')).toBe('2026-05-15T10:05:00.000Z');
    expect(addToInstant('2026-05-15T23:30:00Z', 'PT1H')).toBe('2026-05-16T00:30:00.000Z');
    expect(addToInstant('2026-05-15T10:00:00Z', 'P1DT12H')).toBe('2026-05-16T22:00:00.000Z');
    expect(addToInstant('2026-05-15T10:00:00Z', 'P0D')).toBe('2026-05-15T10:00:00.000Z');
  });

  it('adds the calendar part on the UTC calendar by default, clamping months', () => {
    expect(addToInstant('2026-01-31T08:15:00Z', 'P1M')).toBe('2026-02-28T08:15:00.000Z');
    expect(addToInstant('2026-03-28T12:00:00Z', 'P1D')).toBe('2026-03-29T12:00:00.000Z');
    expect(addToInstant('2026-12-31T23:59:59Z', 'P1Y1W')).toBe('2028-01-07T23:59:59.000Z');
  });

  it('keeps the wall-clock time across a daylight-saving change in a given zone', () => {
    // Stockholm moves from +01:00 to +02:00 on 2026-03-29 and back on 2026-10-25.
    expect(addToInstant('2026-03-28T08:00:00Z', 'P1D', 'Europe/Stockholm')).toBe('2026-03-29T07:00:00.000Z');
    expect(addToInstant('2026-10-24T07:00:00Z', 'P1D', 'Europe/Stockholm')).toBe('2026-10-25T08:00:00.000Z');
    // The time part stays elapsed time: one day then 24 real hours.
    expect(addToInstant('2026-03-28T08:00:00Z', 'PT24H', 'Europe/Stockholm')).toBe('2026-03-29T08:00:00.000Z');
    // Late evening in Helsinki is already the next day there, so month clamping follows Helsinki's calendar.
    expect(addToInstant('2026-01-30T22:30:00Z', 'P1M', 'Europe/Helsinki')).toBe('2026-02-27T22:30:00.000Z');
  });

  it('resolves skipped and repeated wall-clock times like Temporal', () => {
    // 02:30 does not exist in Stockholm on 2026-03-29: it becomes 03:30 CEST.
    expect(addToInstant('2026-03-28T01:30:00Z', 'P1D', 'Europe/Stockholm')).toBe('2026-03-29T01:30:00.000Z');
    // 02:30 happens twice on 2026-10-25: the earlier (CEST) one is taken.
    expect(addToInstant('2026-10-24T00:30:00Z', 'P1D', 'Europe/Stockholm')).toBe('2026-10-25T00:30:00.000Z');
  });

  it('refuses an invalid Date or time zone', () => {
    expect(() => addDurationToInstant(new Date('nope'), parseDuration('P1D'))).toThrow(RangeError);
    expect(() => addDurationToInstant(new Date(), parseDuration('P1D'), 'Mars/Olympus')).toThrow(RangeError);
  });
});
