/**
 * Money is always an integer count of the currency's minor unit (öre, cent) with its currency.
 * Sums are bigint because a creditor's totals can outgrow Number's safe range; single amounts
 * crossing the API are capped so they stay exact as JSON numbers.
 */

/** ISO 4217 currencies we accept, with their number of minor-unit digits. */
export const CURRENCIES = {
  SEK: 2,
  EUR: 2,
  NOK: 2,
  DKK: 2,
  ISK: 0,
  GBP: 2,
  USD: 2,
  CHF: 2,
  PLN: 2,
} as const;

export type Currency = keyof typeof CURRENCIES;

export const CURRENCY_CODES = Object.keys(CURRENCIES) as [Currency, ...Currency[]];

export function isCurrency(code: string): code is Currency {
  return Object.hasOwn(CURRENCIES, code);
}

/** The largest single amount (in minor units) accepted on one invoice or payment: 10^13 minor units. */
export const MAX_AMOUNT_MINOR = 10_000_000_000_000;

export interface Money {
  readonly amountMinor: bigint;
  readonly currency: Currency;
}

export function money(amountMinor: bigint | number, currency: Currency): Money {
  if (typeof amountMinor === 'number' && !Number.isSafeInteger(amountMinor)) {
    throw new RangeError(`amount must be an integer number of minor units, got ${amountMinor}`);
  }
  return { amountMinor: BigInt(amountMinor), currency };
}

export function zero(currency: Currency): Money {
  return { amountMinor: 0n, currency };
}

export function add(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amountMinor: a.amountMinor + b.amountMinor, currency: a.currency };
}

export function sum(currency: Currency, amounts: readonly Money[]): Money {
  return amounts.reduce(add, zero(currency));
}

export function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new RangeError(`cannot combine ${a.currency} with ${b.currency}`);
  }
}

/** Converts for JSON output; sums beyond 2^53 are refused rather than silently rounded. */
export function toJsonAmount(m: Money): number {
  const n = Number(m.amountMinor);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`amount ${m.amountMinor} ${m.currency} exceeds the exact JSON number range`);
  }
  return n;
}

/** For codes read back from storage, which only ever holds codes that passed `isCurrency`. */
export function asCurrency(code: string): Currency {
  if (!isCurrency(code)) throw new RangeError(`unknown currency ${code}`);
  return code;
}
