import { addDays, parseLocalDate, type LocalDate } from '../dates.js';
import { assertSupportedYear, easterSunday } from './easter.js';

export type HolidayCountry = 'SE' | 'FI';

/**
 * `public_holiday`: a holiday by law. `deadline_day_off`: not a holiday, but the deadline law
 * treats it as one (the eves), so a deadline falling on it still moves.
 */
export type HolidayKind = 'public_holiday' | 'deadline_day_off';

export interface Holiday {
  readonly date: LocalDate;
  readonly localName: string;
  readonly englishName: string;
  readonly kind: HolidayKind;
}

const SATURDAY = 6;

export function isHolidayCountry(country: string): country is HolidayCountry {
  return country === 'SE' || country === 'FI';
}

/**
 * Days off for the year, in date order. Rules are the current ones (Sweden since 2005, Finland
 * since 1991) applied to every year: deadlines under collection lie in the present, not the past.
 */
export function holidays(country: HolidayCountry, year: number): readonly Holiday[] {
  const key = `${country}:${year}`;
  let list = holidaysByYear.get(key);
  if (!list) {
    if (!isHolidayCountry(country)) throw new RangeError(`no holiday calendar for country: ${String(country)}`);
    assertSupportedYear(year);
    const computed = CALENDARS[country](year).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    // Frozen because the same array is handed to every caller.
    list = Object.freeze(computed.map((h) => Object.freeze(h)));
    holidaysByYear.set(key, list);
    daysOffByYear.set(key, new Set(list.map((h) => h.date)));
  }
  return list;
}

/** Weekends are never business days; outside SE and FI no other day off is known. */
export function isBusinessDay(country: string, day: LocalDate): boolean {
  return isBusinessDayUnchecked(normaliseCountry(country), parseLocalDate(day));
}

/**
 * The day itself if it is a business day, else the next one: how a deadline falling on a day
 * off moves under both countries' deadline laws.
 */
export function nextBusinessDay(country: string, day: LocalDate): LocalDate {
  const code = normaliseCountry(country);
  let current = parseLocalDate(day);
  while (!isBusinessDayUnchecked(code, current)) current = addDays(current, 1);
  return current;
}

/**
 * Steps n business days from `day`, forward for positive n and backward for negative n; the
 * starting day itself is not counted, so n = 0 returns `day` unchanged even on a day off.
 */
export function addBusinessDays(country: string, day: LocalDate, n: number): LocalDate {
  if (!Number.isSafeInteger(n)) throw new RangeError(`business days must be a whole number: ${n}`);
  const code = normaliseCountry(country);
  const step = n < 0 ? -1 : 1;
  let current = parseLocalDate(day);
  for (let remaining = Math.abs(n); remaining > 0; ) {
    current = addDays(current, step);
    if (isBusinessDayUnchecked(code, current)) remaining--;
  }
  return current;
}

const CALENDARS: Record<HolidayCountry, (year: number) => Holiday[]> = { SE: swedishHolidays, FI: finnishHolidays };
const holidaysByYear = new Map<string, readonly Holiday[]>();
const daysOffByYear = new Map<string, ReadonlySet<LocalDate>>();

// Country codes arrive from user data; 'se' silently getting a weekends-only calendar would be a bug.
function normaliseCountry(country: string): string {
  return country.toUpperCase();
}

function isBusinessDayUnchecked(country: string, day: LocalDate): boolean {
  const weekday = weekdayOf(day);
  if (weekday === 0 || weekday === SATURDAY) return false;
  if (!isHolidayCountry(country)) return true;
  return !daysOff(country, Number(day.slice(0, 4))).has(day);
}

function daysOff(country: HolidayCountry, year: number): ReadonlySet<LocalDate> {
  holidays(country, year);
  return daysOffByYear.get(`${country}:${year}`) ?? new Set();
}

function weekdayOf(day: LocalDate): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

function onOrAfter(day: LocalDate, weekday: number): LocalDate {
  return addDays(day, (weekday - weekdayOf(day) + 7) % 7);
}

function dayIn(year: number, monthDay: string): LocalDate {
  return `${String(year).padStart(4, '0')}-${monthDay}`;
}

function holiday(date: LocalDate, localName: string, englishName: string, kind: HolidayKind = 'public_holiday'): Holiday {
  return { date, localName, englishName, kind };
}

/**
 * Sweden. Holidays: Lag (1989:253) om allmänna helgdagar. Days a deadline cannot end on:
 * Lag (1930:173) om beräkning av lagstadgad tid, 2 §: a deadline ending on a Saturday, Sunday,
 * public holiday, midsommarafton, julafton or nyårsafton moves to the next weekday.
 */
function swedishHolidays(year: number): Holiday[] {
  const easter = easterSunday(year);
  const midsummerDay = onOrAfter(dayIn(year, '06-20'), SATURDAY);
  return [
    holiday(dayIn(year, '01-01'), 'Nyårsdagen', "New Year's Day"),
    holiday(dayIn(year, '01-06'), 'Trettondedag jul', 'Epiphany'),
    holiday(addDays(easter, -2), 'Långfredagen', 'Good Friday'),
    holiday(easter, 'Påskdagen', 'Easter Sunday'),
    holiday(addDays(easter, 1), 'Annandag påsk', 'Easter Monday'),
    holiday(dayIn(year, '05-01'), 'Första maj', 'May Day'),
    holiday(addDays(easter, 39), 'Kristi himmelsfärdsdag', 'Ascension Day'),
    holiday(addDays(easter, 49), 'Pingstdagen', 'Whit Sunday'),
    holiday(dayIn(year, '06-06'), 'Sveriges nationaldag', 'National Day of Sweden'),
    holiday(addDays(midsummerDay, -1), 'Midsommarafton', 'Midsummer Eve', 'deadline_day_off'),
    holiday(midsummerDay, 'Midsommardagen', 'Midsummer Day'),
    holiday(onOrAfter(dayIn(year, '10-31'), SATURDAY), 'Alla helgons dag', "All Saints' Day"),
    holiday(dayIn(year, '12-24'), 'Julafton', 'Christmas Eve', 'deadline_day_off'),
    holiday(dayIn(year, '12-25'), 'Juldagen', 'Christmas Day'),
    holiday(dayIn(year, '12-26'), 'Annandag jul', 'Boxing Day'),
    holiday(dayIn(year, '12-31'), 'Nyårsafton', "New Year's Eve", 'deadline_day_off'),
  ];
}

/**
 * Finland. Laki säädettyjen määräaikain laskemisesta (150/1930), 5 §: a deadline ending on a
 * holiday (pyhäpäivä), Independence Day, May Day, Christmas Eve, Midsummer Eve or a Saturday
 * moves to the next weekday. New Year's Eve is not among them.
 */
function finnishHolidays(year: number): Holiday[] {
  const easter = easterSunday(year);
  const midsummerDay = onOrAfter(dayIn(year, '06-20'), SATURDAY);
  return [
    holiday(dayIn(year, '01-01'), 'Uudenvuodenpäivä', "New Year's Day"),
    holiday(dayIn(year, '01-06'), 'Loppiainen', 'Epiphany'),
    holiday(addDays(easter, -2), 'Pitkäperjantai', 'Good Friday'),
    holiday(easter, 'Pääsiäispäivä', 'Easter Sunday'),
    holiday(addDays(easter, 1), '2. pääsiäispäivä', 'Easter Monday'),
    holiday(dayIn(year, '05-01'), 'Vappu', 'May Day'),
    holiday(addDays(easter, 39), 'Helatorstai', 'Ascension Day'),
    holiday(addDays(easter, 49), 'Helluntaipäivä', 'Whit Sunday'),
    holiday(addDays(midsummerDay, -1), 'Juhannusaatto', 'Midsummer Eve', 'deadline_day_off'),
    holiday(midsummerDay, 'Juhannuspäivä', 'Midsummer Day'),
    holiday(onOrAfter(dayIn(year, '10-31'), SATURDAY), 'Pyhäinpäivä', "All Saints' Day"),
    holiday(dayIn(year, '12-06'), 'Itsenäisyyspäivä', 'Independence Day'),
    holiday(dayIn(year, '12-24'), 'Jouluaatto', 'Christmas Eve', 'deadline_day_off'),
    holiday(dayIn(year, '12-25'), 'Joulupäivä', 'Christmas Day'),
    holiday(dayIn(year, '12-26'), 'Tapaninpäivä', "St. Stephen's Day"),
  ];
}
