/**
 * Amounts as banks write them (ISO 20022 ActiveOrHistoricCurrencyAndAmount: a decimal string of
 * at most 18 digits, 5 of them after the point, and the currency as an attribute), turned into an
 * integer count of the currency's minor unit without ever passing through a floating-point number.
 */

/** ISO 4217 currencies whose minor unit is not the hundredth. Every other code has 2 decimals. */
const MINOR_UNIT_DIGITS: Record<string, number> = {
  // no minor unit
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  // thousandths
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  // ten-thousandths
  CLF: 4, UYW: 4,
};

/** The number of decimals of a currency's minor unit. */
export function minorUnitDigits(currency: string): number {
  return MINOR_UNIT_DIGITS[currency] ?? 2;
}

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code);
}

/**
 * `"1250.50"` in SEK → `125050n`. Refuses signs, exponents, thousands separators, more than 18
 * digits, and decimals beyond the currency's minor unit unless they are zeros (`"10.500"` SEK is
 * 1050 öre; `"10.505"` SEK is refused). Returns null when the text is not such an amount.
 */
export function parseMinorUnits(text: string, currency: string): bigint | null {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const whole = m[1]!;
  const fraction = m[2] ?? '';
  if (whole.replace(/^0+(?=\d)/, '').length + fraction.length > 18 || fraction.length > 5) return null;
  const digits = minorUnitDigits(currency);
  const kept = fraction.slice(0, digits);
  if (/[1-9]/.test(fraction.slice(digits))) return null;
  return BigInt(whole) * 10n ** BigInt(digits) + BigInt(kept.padEnd(digits, '0') || '0');
}
