import type { LocalDate } from '../dates.js';

/** The Gregorian calendar was first used in 1582; LocalDate has four-digit years. */
export const FIRST_GREGORIAN_YEAR = 1583;
export const LAST_SUPPORTED_YEAR = 9999;

export function assertSupportedYear(year: number): void {
  if (!Number.isInteger(year) || year < FIRST_GREGORIAN_YEAR || year > LAST_SUPPORTED_YEAR) {
    throw new RangeError(`year must be a whole number from ${FIRST_GREGORIAN_YEAR} to ${LAST_SUPPORTED_YEAR}: ${year}`);
  }
}

/**
 * Easter Sunday in the Gregorian calendar (the anonymous algorithm published by Meeus, after
 * Jones and Butcher). The movable holidays of both Nordic calendars hang off this day.
 */
export function easterSunday(year: number): LocalDate {
  assertSupportedYear(year);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
