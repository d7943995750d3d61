import type { Currency } from '../money.js';

/**
 * The legal figures Fordra's guard rails rest on, one row per country. Amounts are minor units
 * at the levels found in the sources below; check a figure's source before changing it, and keep
 * the table current when the law moves. Countries not listed have no guard rails.
 */
export interface Jurisdiction {
  readonly currency: Currency;
  /** Highest reminder fee per reminder; null where the law sets none. */
  readonly reminderFeeMax: number | null;
  /** Whether a reminder fee may only be charged if the debtor agreed to it when the debt arose. */
  readonly reminderFeeNeedsPriorAgreement: boolean;
  /** Earliest a fee-bearing reminder may go to a consumer, in days after the due date. */
  readonly consumerReminderFeeEarliestDays: number | null;
  /** Highest fee for a collection demand (final demand). */
  readonly finalDemandFeeMax: number | null;
  /** Highest fee for setting up an instalment plan. */
  readonly instalmentPlanFeeMax: number | null;
  /** Fixed compensation a business debtor owes once per claim when paying late. */
  readonly businessLateCompensation: number | null;
  /** Least time the debtor gets to pay a final demand before the case may be handed over. */
  readonly finalDemandMinDays: { readonly calendarDays: number; readonly businessDaysAfterReceipt: number };
}

export const JURISDICTIONS: Readonly<Record<string, Jurisdiction>> = {
  SE: {
    currency: 'SEK',
    // Lag (1981:739) om ersättning för inkassokostnader m.m., 2 § and 4 §: max 60 SEK, only if agreed.
    reminderFeeMax: 6_000,
    reminderFeeNeedsPriorAgreement: true,
    consumerReminderFeeEarliestDays: null,
    // Lag (1981:739) 3–4 §: max 180 SEK, and only if the demand complies with 5 § inkassolagen.
    finalDemandFeeMax: 18_000,
    // Lag (1981:739): max 170 SEK for drawing up an instalment plan.
    instalmentPlanFeeMax: 17_000,
    // Lag (1981:739) 4 a § (SFS 2013:56): 450 SEK once per claim, business debtors, where late interest applies.
    businessLateCompensation: 45_000,
    // Inkassonämnden's application of god inkassosed: at least 8 days from sending and 4 bank days after receipt.
    finalDemandMinDays: { calendarDays: 8, businessDaysAfterReceipt: 4 },
  },
  FI: {
    currency: 'EUR',
    // KKV guidance on good collection practice: a consumer reminder fee of at most 5 EUR.
    reminderFeeMax: 500,
    reminderFeeNeedsPriorAgreement: false,
    // KKV guidance: a fee-bearing reminder to a consumer no earlier than 14 days after the due date.
    consumerReminderFeeEarliestDays: 14,
    finalDemandFeeMax: null,
    instalmentPlanFeeMax: null,
    // HE 57/2012 (Korkolaki 10 a §): 40 EUR fixed compensation between businesses.
    businessLateCompensation: 4_000,
    // Laki saatavien perinnästä 4 a §: a consumer gets at least 14 days to pay a collection demand;
    // applied to every debtor here until a separate business figure is verified.
    finalDemandMinDays: { calendarDays: 14, businessDaysAfterReceipt: 0 },
  },
};

export function jurisdictionOf(country: string): Jurisdiction | null {
  return JURISDICTIONS[country.toUpperCase()] ?? null;
}

/** Days a letter is assumed to take to reach the debtor, for the "after receipt" rules. */
export const LETTER_DELIVERY_BUSINESS_DAYS = 2;
