export { easterSunday } from './easter.js';
export { addBusinessDays, holidays, isBusinessDay, isHolidayCountry, nextBusinessDay } from './holidays.js';
export type { Holiday, HolidayCountry, HolidayKind } from './holidays.js';
export { addDurationToDay, addDurationToInstant, durationHasTime, formatDuration, isDuration, minimumDays, parseDuration } from './durations.js';
export type { Duration } from './durations.js';
