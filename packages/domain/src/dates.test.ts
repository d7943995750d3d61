import { describe, expect, it } from 'vitest';
import { addDays, compareDates, dayOf, daysBetween, isLocalDate } from './dates.js';

describe('calendar days', () => {
  it('accepts only real calendar dates', () => {
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2027-02-29')).toBe(false);
    expect(isLocalDate('2026-13-01')).toBe(false);
    expect(isLocalDate('2026-1-01')).toBe(false);
  });

  it('counts across month, year and daylight-saving boundaries', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(daysBetween('2026-03-01', '2026-04-01')).toBe(31);
    expect(compareDates('2026-01-02', '2026-01-10')).toBeLessThan(0);
  });

  it('finds the day an instant falls on in the creditor’s zone', () => {
    const lateEvening = new Date('2026-11-24T23:30:00Z');
    expect(dayOf(lateEvening, 'UTC')).toBe('2026-11-24');
    expect(dayOf(lateEvening, 'Europe/Stockholm')).toBe('2026-11-25');
    expect(dayOf(lateEvening, 'Europe/Helsinki')).toBe('2026-11-25');
  });
});
