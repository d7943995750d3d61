import { addDays, compareDates, daysBetween, type LocalDate } from '../dates.js';

/**
 * Late-payment interest, simple (never on interest), per day, actual/365, in exact integer
 * arithmetic: an accrual is kept as a numerator over INTEREST_DENOMINATOR and rounded only when
 * it is shown or paid, so no rounding error builds up across rate changes or payments.
 */
export const INTEREST_DENOMINATOR = 10_000n * 365n;

/** An annual rate in basis points (800 = 8 %), from a day on, until the next period's start. */
export interface RatePeriod {
  readonly validFrom: LocalDate;
  readonly rateBp: number;
}

export const REFERENCE_BASES = ['riksbank', 'ecb'] as const;
export type ReferenceBasis = (typeof REFERENCE_BASES)[number];

export interface StatutoryRule {
  readonly basis: ReferenceBasis;
  /** Percentage points over the reference rate, in basis points. */
  readonly marginBp: number;
}

/**
 * The statutory late-payment interest of a country. Sweden (räntelagen 6 §): the Riksbank's
 * reference rate plus 8 points. Finland (korkolaki 4 §): the ECB's reference rate plus 7 points,
 * plus 8 between businesses.
 */
export function statutoryRule(country: string, debtorKind: 'business' | 'consumer'): StatutoryRule | null {
  switch (country.toUpperCase()) {
    case 'SE':
      return { basis: 'riksbank', marginBp: 800 };
    case 'FI':
      return { basis: 'ecb', marginBp: debtorKind === 'business' ? 800 : 700 };
    default:
      return null;
  }
}

/** The statutory annual rates over time: each reference rate plus the margin, never below zero. */
export function statutoryRates(rule: StatutoryRule, references: readonly { validFrom: LocalDate; rateBp: number }[]): RatePeriod[] {
  return [...references]
    .sort((a, b) => compareDates(a.validFrom, b.validFrom))
    .map((r) => ({ validFrom: r.validFrom, rateBp: Math.max(0, r.rateBp + rule.marginBp) }));
}

/**
 * The interest numerator (over INTEREST_DENOMINATOR) that `principal` earns for each day in
 * [from, to): a day is charged at the rate in force on it. Days before the first known period earn
 * nothing and are counted in `uncovered`, so a caller can say the figure is incomplete.
 */
export function accrue(principal: bigint, from: LocalDate, to: LocalDate, rates: readonly RatePeriod[]): { numerator: bigint; uncovered: number } {
  if (principal <= 0n || compareDates(from, to) >= 0) return { numerator: 0n, uncovered: 0 };
  let numerator = 0n;
  let uncovered = 0;
  let day = from;
  const first = rates[0];
  if (!first || compareDates(to, first.validFrom) <= 0) return { numerator: 0n, uncovered: daysBetween(from, to) };
  if (compareDates(day, first.validFrom) < 0) {
    uncovered = daysBetween(day, first.validFrom);
    day = first.validFrom;
  }
  for (let i = 0; i < rates.length && compareDates(day, to) < 0; i++) {
    const period = rates[i]!;
    const next = rates[i + 1];
    if (next && compareDates(next.validFrom, day) <= 0) continue;
    const end = next && compareDates(next.validFrom, to) < 0 ? next.validFrom : to;
    const days = daysBetween(day, end);
    if (days > 0) numerator += principal * BigInt(period.rateBp) * BigInt(days);
    day = end;
  }
  return { numerator, uncovered };
}

/** Whole minor units of an accrued numerator, rounded half up. */
export function interestMinor(numerator: bigint): bigint {
  return (numerator * 2n + INTEREST_DENOMINATOR) / (INTEREST_DENOMINATOR * 2n);
}

/** Interest runs from the day after the due date: the debtor may pay on the due date itself. */
export function interestStart(dueDate: LocalDate): LocalDate {
  return addDays(dueDate, 1);
}
