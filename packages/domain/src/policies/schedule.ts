import { addDays, dayOf, type LocalDate } from '../dates.js';
import { addBusinessDays, addDurationToDay, addDurationToInstant, durationHasTime, nextBusinessDay, parseDuration } from '../calendar/index.js';
import { instantOfWallClock } from '../calendar/wall-clock.js';
import { jurisdictionOf, LETTER_DELIVERY_BUSINESS_DAYS } from './jurisdiction.js';
import type { PolicyStep, StepAction } from './steps.js';

/** Steps due on a day run at this hour of the creditor's clock: business hours, not midnight. */
export const STEP_HOUR = 9;

export interface PlannedStep {
  readonly index: number;
  readonly key: string;
  readonly action: StepAction;
  /** The business day the step falls on; null for steps timed in hours, minutes or seconds. */
  readonly day: LocalDate | null;
  readonly dueAt: Date;
}

export interface ScheduleInput {
  readonly steps: readonly PolicyStep[];
  /** The earliest unpaid invoice's due date: the collection clock starts the day after. */
  readonly dueDate: LocalDate;
  /** Nothing runs before this instant (the case's activation): overdue steps run at once. */
  readonly notBefore: Date;
  readonly country: string;
  readonly timeZone: string;
}

export function stepInstant(day: LocalDate, timeZone: string): Date {
  const wall = Date.parse(`${day}T00:00:00Z`) + STEP_HOUR * 3_600_000;
  return new Date(instantOfWallClock(wall, timeZone));
}

function startOfDay(day: LocalDate, timeZone: string): Date {
  return new Date(instantOfWallClock(Date.parse(`${day}T00:00:00Z`), timeZone));
}

/**
 * The dates of every step of a policy for one case. Day-based steps land on business days of
 * the creditor's country (a deadline on a day off moves to the next weekday); steps that would
 * lie in the past run at once, and the steps after them keep their spacing from then.
 */
export function planSchedule(input: ScheduleInput): PlannedStep[] {
  const { steps, dueDate, notBefore, country, timeZone } = input;
  const law = jurisdictionOf(country);
  const planned: PlannedStep[] = [];
  let finalDemandDay: LocalDate | null = null;

  steps.forEach((step, index) => {
    const duration = parseDuration(step.after);
    const previous = planned[index - 1];
    const fromDueDate = step.from === 'due_date' || !previous;
    let day: LocalDate | null;
    let dueAt: Date;

    if (durationHasTime(duration)) {
      // Timed steps count from the moment the invoice became overdue, or from the previous step.
      const base = fromDueDate ? startOfDay(addDays(dueDate, 1), timeZone) : previous.dueAt;
      dueAt = addDurationToInstant(base, duration, timeZone);
      day = null;
    } else {
      const baseDay = fromDueDate ? dueDate : (previous.day ?? dayOf(previous.dueAt, timeZone));
      day = nextBusinessDay(country, addDurationToDay(baseDay, duration));
      if (step.action === 'escalate_to_agency' && law && finalDemandDay) {
        const earliest = earliestHandOver(country, finalDemandDay, law.finalDemandMinDays);
        if (day < earliest) day = earliest;
      }
      dueAt = stepInstant(day, timeZone);
    }
    if (dueAt < notBefore) {
      dueAt = notBefore;
      if (day !== null) day = dayOf(notBefore, timeZone);
    }
    if (previous && dueAt < previous.dueAt) dueAt = previous.dueAt;
    if (step.action === 'final_demand') finalDemandDay = day ?? dayOf(dueAt, timeZone);
    planned.push({ index, key: step.key, action: step.action, day, dueAt });
  });
  return planned;
}

/** The first day a case may be handed over after a final demand sent on `sentDay`. */
export function earliestHandOver(
  country: string,
  sentDay: LocalDate,
  minimum: { calendarDays: number; businessDaysAfterReceipt: number },
): LocalDate {
  const byCalendar = nextBusinessDay(country, addDays(sentDay, minimum.calendarDays));
  const byReceipt = addBusinessDays(country, sentDay, LETTER_DELIVERY_BUSINESS_DAYS + minimum.businessDaysAfterReceipt);
  return byCalendar > byReceipt ? byCalendar : byReceipt;
}

/**
 * Moves a step that was waiting while the case was on hold: it keeps its distance from the
 * hold, so the steps resume in their rhythm instead of firing in a burst.
 */
export function shiftAfterHold(
  step: { day: LocalDate | null; dueAt: Date },
  heldMs: number,
  resumedAt: Date,
  country: string,
  timeZone: string,
): { day: LocalDate | null; dueAt: Date } {
  if (step.day === null) {
    const dueAt = new Date(step.dueAt.getTime() + heldMs);
    return { day: null, dueAt: dueAt < resumedAt ? resumedAt : dueAt };
  }
  const heldDays = Math.ceil(heldMs / 86_400_000);
  const day = nextBusinessDay(country, addDays(step.day, heldDays));
  const dueAt = stepInstant(day, timeZone);
  return dueAt < resumedAt ? { day: dayOf(resumedAt, timeZone), dueAt: resumedAt } : { day, dueAt };
}

/**
 * Where a waiting step goes when the policy continues from `target` now (an agreement's fallback):
 * the target runs at once and the steps after it keep their distance from it, on business days.
 */
export function continueFromNow(
  target: { day: LocalDate | null; dueAt: Date },
  step: { day: LocalDate | null; dueAt: Date },
  now: Date,
  country: string,
  timeZone: string,
): { day: LocalDate | null; dueAt: Date } {
  const today = dayOf(now, timeZone);
  if (step.day === null || target.day === null) {
    const dueAt = new Date(Math.max(now.getTime(), now.getTime() + step.dueAt.getTime() - target.dueAt.getTime()));
    return { day: step.day === null ? null : dayOf(dueAt, timeZone), dueAt };
  }
  const offset = Math.round((Date.parse(step.day) - Date.parse(target.day)) / 86_400_000);
  if (offset <= 0) return { day: today, dueAt: now };
  const day = nextBusinessDay(country, addDays(today, offset));
  const dueAt = stepInstant(day, timeZone);
  return { day, dueAt: dueAt < now ? now : dueAt };
}
