import { describe, expect, it } from 'vitest';
import { addDays, compareDates, type LocalDate } from '../dates.js';
import { addBusinessDays, holidays, isBusinessDay, nextBusinessDay, type HolidayCountry } from './holidays.js';

const datesOf = (country: HolidayCountry, year: number) => holidays(country, year).map((h) => h.date);
const dateNamed = (country: HolidayCountry, year: number, localName: string) =>
  holidays(country, year).find((h) => h.localName === localName)?.date;
const weekday = (day: LocalDate) => new Date(`${day}T00:00:00Z`).getUTCDay();

describe('Swedish days off', () => {
  it('lists 2026 in date order, public holidays and deadline eves', () => {
    expect(datesOf('SE', 2026)).toEqual([
      '2026-01-01', '2026-01-06', '2026-04-03', '2026-04-05', '2026-04-06', '2026-05-01', '2026-05-14',
      '2026-05-24', '2026-06-06', '2026-06-19', '2026-06-20', '2026-10-31', '2026-12-24', '2026-12-25',
      '2026-12-26', '2026-12-31',
    ]);
    const eves = holidays('SE', 2026).filter((h) => h.kind === 'deadline_day_off').map((h) => h.localName);
    expect(eves).toEqual(['Midsommarafton', 'Julafton', 'Nyårsafton']);
  });

  it('names each day in Swedish and English', () => {
    expect(holidays('SE', 2026).find((h) => h.date === '2026-05-14')).toEqual({
      date: '2026-05-14',
      localName: 'Kristi himmelsfärdsdag',
      englishName: 'Ascension Day',
      kind: 'public_holiday',
    });
    for (const h of holidays('SE', 2026)) expect(h.englishName).not.toBe('');
  });

  it.each([
    // year, långfredagen, annandag påsk, Kristi himmelsfärd, pingstdagen, midsommarafton, midsommardagen, alla helgons dag
    [2024, '2024-03-29', '2024-04-01', '2024-05-09', '2024-05-19', '2024-06-21', '2024-06-22', '2024-11-02'],
    [2025, '2025-04-18', '2025-04-21', '2025-05-29', '2025-06-08', '2025-06-20', '2025-06-21', '2025-11-01'],
    [2026, '2026-04-03', '2026-04-06', '2026-05-14', '2026-05-24', '2026-06-19', '2026-06-20', '2026-10-31'],
    [2027, '2027-03-26', '2027-03-29', '2027-05-06', '2027-05-16', '2027-06-25', '2027-06-26', '2027-11-06'],
    [2038, '2038-04-23', '2038-04-26', '2038-06-03', '2038-06-13', '2038-06-25', '2038-06-26', '2038-11-06'],
  ])('computes the movable days of %i', (year, goodFriday, easterMonday, ascension, whitSunday, midsummerEve, midsummerDay, allSaints) => {
    expect(dateNamed('SE', year, 'Långfredagen')).toBe(goodFriday);
    expect(dateNamed('SE', year, 'Annandag påsk')).toBe(easterMonday);
    expect(dateNamed('SE', year, 'Kristi himmelsfärdsdag')).toBe(ascension);
    expect(dateNamed('SE', year, 'Pingstdagen')).toBe(whitSunday);
    expect(dateNamed('SE', year, 'Midsommarafton')).toBe(midsummerEve);
    expect(dateNamed('SE', year, 'Midsommardagen')).toBe(midsummerDay);
    expect(dateNamed('SE', year, 'Alla helgons dag')).toBe(allSaints);
  });

  it('keeps both entries when two holidays share a day (Ascension on May Day 2008)', () => {
    const mayDay = holidays('SE', 2008).filter((h) => h.date === '2008-05-01').map((h) => h.localName);
    expect(mayDay).toEqual(['Första maj', 'Kristi himmelsfärdsdag']);
  });

  it('moves deadlines as Lag (1930:173) says', () => {
    expect(nextBusinessDay('SE', '2026-12-24')).toBe('2026-12-28');
    expect(nextBusinessDay('SE', '2026-01-03')).toBe('2026-01-05');
    expect(nextBusinessDay('SE', '2026-01-05')).toBe('2026-01-05');
    expect(nextBusinessDay('SE', '2026-12-31')).toBe('2027-01-04');
    expect(nextBusinessDay('SE', '2026-06-19')).toBe('2026-06-22');
    expect(nextBusinessDay('SE', '2026-04-03')).toBe('2026-04-07');
    expect(nextBusinessDay('SE', '2026-01-06')).toBe('2026-01-07');
    expect(nextBusinessDay('SE', '2026-06-05')).toBe('2026-06-05');
  });
});

describe('Finnish days off', () => {
  it('lists 2026 in date order', () => {
    expect(datesOf('FI', 2026)).toEqual([
      '2026-01-01', '2026-01-06', '2026-04-03', '2026-04-05', '2026-04-06', '2026-05-01', '2026-05-14',
      '2026-05-24', '2026-06-19', '2026-06-20', '2026-10-31', '2026-12-06', '2026-12-24', '2026-12-25',
      '2026-12-26',
    ]);
  });

  it('computes the named days of 2026', () => {
    expect(dateNamed('FI', 2026, 'Itsenäisyyspäivä')).toBe('2026-12-06');
    expect(weekday('2026-12-06')).toBe(0);
    expect(dateNamed('FI', 2026, 'Juhannusaatto')).toBe('2026-06-19');
    expect(dateNamed('FI', 2026, 'Juhannuspäivä')).toBe('2026-06-20');
    expect(dateNamed('FI', 2026, 'Vappu')).toBe('2026-05-01');
    expect(dateNamed('FI', 2026, 'Helatorstai')).toBe('2026-05-14');
    expect(dateNamed('FI', 2026, 'Pyhäinpäivä')).toBe('2026-10-31');
    expect(holidays('FI', 2026).find((h) => h.date === '2026-12-26')?.englishName).toBe("St. Stephen's Day");
  });

  it.each([
    [2025, '2025-04-18', '2025-05-29', '2025-06-20', '2025-11-01'],
    [2027, '2027-03-26', '2027-05-06', '2027-06-25', '2027-11-06'],
    [2038, '2038-04-23', '2038-06-03', '2038-06-25', '2038-11-06'],
  ])('computes the movable days of %i', (year, goodFriday, ascension, midsummerEve, allSaints) => {
    expect(dateNamed('FI', year, 'Pitkäperjantai')).toBe(goodFriday);
    expect(dateNamed('FI', year, 'Helatorstai')).toBe(ascension);
    expect(dateNamed('FI', year, 'Juhannusaatto')).toBe(midsummerEve);
    expect(dateNamed('FI', year, 'Pyhäinpäivä')).toBe(allSaints);
  });

  it('moves deadlines as laki 150/1930 says', () => {
    expect(nextBusinessDay('FI', '2026-05-01')).toBe('2026-05-04');
    expect(nextBusinessDay('FI', '2026-12-24')).toBe('2026-12-28');
    expect(nextBusinessDay('FI', '2026-06-19')).toBe('2026-06-22');
    // New Year's Eve is a working day in Finland, unlike in Sweden.
    expect(nextBusinessDay('FI', '2026-12-31')).toBe('2026-12-31');
    expect(nextBusinessDay('SE', '2026-12-31')).toBe('2027-01-04');
  });
});

describe('business days', () => {
  it('knows only weekends for other countries', () => {
    expect(isBusinessDay('DE', '2026-12-25')).toBe(true);
    expect(isBusinessDay('DE', '2026-12-26')).toBe(false);
    expect(isBusinessDay('DE', '2026-12-27')).toBe(false);
    expect(nextBusinessDay('NO', '2026-01-03')).toBe('2026-01-05');
    expect(nextBusinessDay('NO', '2026-01-01')).toBe('2026-01-01');
  });

  it('reads country codes case-insensitively', () => {
    expect(isBusinessDay('se', '2026-06-19')).toBe(false);
    expect(nextBusinessDay('fi', '2026-05-01')).toBe('2026-05-04');
  });

  it('rejects days that are not calendar dates', () => {
    expect(() => isBusinessDay('SE', '2026-02-30')).toThrow(RangeError);
    expect(() => nextBusinessDay('SE', '26-01-01')).toThrow(RangeError);
    expect(() => holidays('SE', 1500)).toThrow(RangeError);
    expect(() => holidays('DK' as HolidayCountry, 2026)).toThrow(RangeError);
  });

  it('adds business days forward and backward, skipping days off', () => {
    expect(addBusinessDays('SE', '2026-12-23', 1)).toBe('2026-12-28');
    expect(addBusinessDays('SE', '2026-12-22', 2)).toBe('2026-12-28');
    expect(addBusinessDays('SE', '2026-12-28', -1)).toBe('2026-12-23');
    expect(addBusinessDays('SE', '2026-12-23', 5)).toBe('2027-01-05');
    expect(addBusinessDays('FI', '2026-12-23', 5)).toBe('2027-01-04');
    expect(addBusinessDays('DE', '2026-12-24', 1)).toBe('2026-12-25');
    expect(addBusinessDays('SE', '2026-01-03', 0)).toBe('2026-01-03');
    expect(addBusinessDays('SE', '2026-01-03', 1)).toBe('2026-01-05');
    expect(() => addBusinessDays('SE', '2026-01-03', 1.5)).toThrow(RangeError);
  });

  it('hands out the same frozen list on every call', () => {
    const list = holidays('SE', 2030);
    expect(holidays('SE', 2030)).toBe(list);
    expect(Object.isFrozen(list)).toBe(true);
    expect(Object.isFrozen(list[0])).toBe(true);
  });

  it.each(['SE', 'FI'] as const)('%s: the next business day is never a day off and never earlier (1990–2100)', (country) => {
    const failures: string[] = [];
    for (let year = 1990; year <= 2100; year++) {
      const daysOff = new Set(holidays(country, year).map((h) => h.date));
      const nextYearDaysOff = new Set(holidays(country, year + 1).map((h) => h.date));
      for (let day: LocalDate = `${year}-01-01`; day.startsWith(String(year)); day = addDays(day, 1)) {
        const next = nextBusinessDay(country, day);
        const wd = weekday(next);
        if (wd === 0 || wd === 6 || daysOff.has(next) || nextYearDaysOff.has(next)) failures.push(`${day} -> ${next} is a day off`);
        if (compareDates(next, day) < 0) failures.push(`${day} -> ${next} is earlier`);
        for (let between = day; compareDates(between, next) < 0; between = addDays(between, 1)) {
          if (isBusinessDay(country, between)) failures.push(`${day} -> ${next} skips business day ${between}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('steps back and forth by the same number of business days', () => {
    for (let day: LocalDate = '2026-01-01'; day < '2028-01-01'; day = addDays(day, 1)) {
      if (!isBusinessDay('SE', day)) continue;
      expect(addBusinessDays('SE', addBusinessDays('SE', day, 7), -7)).toBe(day);
    }
  });
});
