import { CURRENCIES, isCurrency, isLocalDate, LANGUAGES, type Language } from '@fordra/domain';

const LOCALES: Record<Language, string> = { sv: 'sv-SE', en: 'en-GB', fi: 'fi-FI' };

export function isLanguage(value: unknown): value is Language {
  return (LANGUAGES as readonly unknown[]).includes(value);
}

function fractionDigits(currency: string): number {
  if (isCurrency(currency)) return CURRENCIES[currency];
  // Throws RangeError for a code that is not a currency at all, which is what we want.
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

// Swedish writes "Nkr" and "US$" for foreign currencies, easily misread next to "kr"; the ISO
// code is unambiguous. Only the currencies a Swedish or Finnish reader pays in keep their symbol.
function currencyDisplay(currency: string, language: Language): 'symbol' | 'code' {
  if (language === 'en') return 'symbol';
  return currency === 'EUR' || (language === 'sv' && currency === 'SEK') ? 'symbol' : 'code';
}

/** `1 250,00 kr` (sv), `1 250,00 €` (fi), `SEK 1,250.00` (en); exact for every safe integer. */
export function formatMoney(amountMinor: number, currency: string, language: Language): string {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError(`amount must be an integer number of minor units, got ${amountMinor}`);
  const digits = fractionDigits(currency);
  // Through a decimal string, not amountMinor / 100, so no binary rounding can show in a sum.
  const padded = String(Math.abs(amountMinor)).padStart(digits + 1, '0');
  const decimal = digits > 0 ? `${padded.slice(0, -digits)}.${padded.slice(-digits)}` : padded;
  const value = `${amountMinor < 0 ? '-' : ''}${decimal}` as `${number}`;
  return moneyFormat(currency, language, digits).format(value);
}

// Building a formatter costs far more than using one; a message formats several amounts.
const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string, language: Language, digits: number): Intl.NumberFormat {
  const key = `${language}|${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(LOCALES[language], {
      style: 'currency',
      currency,
      currencyDisplay: currencyDisplay(currency, language),
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    moneyFormats.set(key, format);
  }
  return format;
}

const DAY_FORMATS: Record<Language, Intl.DateTimeFormat> = {
  sv: new Intl.DateTimeFormat('sv-SE', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  fi: new Intl.DateTimeFormat('fi-FI', { day: 'numeric', month: 'numeric', year: 'numeric', timeZone: 'UTC' }),
};

/** `24 november 2026` (sv), `24.11.2026` (fi), `24 November 2026` (en). */
export function formatDay(day: string, language: Language): string {
  if (!isLocalDate(day)) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${day}`);
  // Read as UTC midnight and printed in UTC, so no machine time zone can move the day.
  return DAY_FORMATS[language].format(new Date(`${day}T00:00:00Z`));
}
