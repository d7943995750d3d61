/**
 * Payment references: the number a debtor quotes when paying, so that the money finds its case.
 * Each creditor uses one kind, the one its bank matches incoming payments on:
 *
 * - `se_ocr`: Swedish OCR reference (Bankgirot): 2–25 digits, the last a Luhn (mod 10) check digit;
 *   optionally the digit before it is a length digit, the total length modulo 10.
 * - `fi_reference`: Finnish reference number (viitenumero): a base of 3–19 digits and a check digit
 *   from the weights 7, 3, 1 taken from the right; printed in groups of five, leading zeros dropped.
 * - `rf`: RF creditor reference (ISO 11649): "RF", two check digits (ISO 7064 mod 97-10) and up to
 *   21 letters and digits; printed in groups of four.
 *
 * References are stored in their electronic form (no spaces, upper case) and formatted for print.
 */
import { luhnValid } from './identity-numbers.js';

export const PAYMENT_REFERENCE_KINDS = ['se_ocr', 'fi_reference', 'rf'] as const;
export type PaymentReferenceKind = (typeof PAYMENT_REFERENCE_KINDS)[number];

/** The creditor's setting when it has one, else the usual kind of its country. */
export function referenceKindFor(country: string, setting: PaymentReferenceKind | null | undefined): PaymentReferenceKind {
  if (setting) return setting;
  switch (country.trim().toUpperCase()) {
    case 'SE':
      return 'se_ocr';
    case 'FI':
      return 'fi_reference';
    default:
      return 'rf';
  }
}

// --- Swedish OCR ----------------------------------------------------------------------------

/** The digit that makes `digits` followed by it pass Luhn: every second digit from the right doubled. */
export function luhnCheckDigit(digits: string): number {
  let total = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    // The check digit will take the rightmost place, so the payload's rightmost digit is doubled.
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    total += d;
  }
  return (10 - (total % 10)) % 10;
}

/** Builds an OCR reference from a base of digits: with a length digit (the default), then the Luhn check digit. */
export function makeSwedishOcr(base: string, options: { lengthDigit?: boolean } = {}): string {
  const withLength = options.lengthDigit ?? true;
  if (!/^\d+$/.test(base)) throw new RangeError('an OCR reference is built from digits only');
  const total = base.length + (withLength ? 2 : 1);
  if (total < 2 || total > 25) throw new RangeError(`an OCR reference has 2 to 25 digits, this one would have ${total}`);
  const payload = withLength ? base + String(total % 10) : base;
  return payload + String(luhnCheckDigit(payload));
}

/** A valid OCR reference: 2–25 digits passing Luhn. Whether a length digit is used is the creditor's agreement with its bank. */
export function isValidSwedishOcr(ref: string): boolean {
  return /^\d{2,25}$/.test(ref) && luhnValid(ref);
}

/** Whether the digit before the check digit states the reference's length (modulo 10), as a length-checked agreement requires. */
export function hasOcrLengthDigit(ref: string): boolean {
  return isValidSwedishOcr(ref) && ref.length >= 3 && Number(ref[ref.length - 2]) === ref.length % 10;
}

// --- Finnish reference number ---------------------------------------------------------------

const FI_WEIGHTS = [7, 3, 1] as const;

/** The Finnish check digit of a base: weights 7, 3, 1 from the right, then up to the next ten. */
export function finnishCheckDigit(base: string): number {
  let total = 0;
  for (let i = 0; i < base.length; i++) total += Number(base[base.length - 1 - i]) * FI_WEIGHTS[i % 3]!;
  return (10 - (total % 10)) % 10;
}

/** Builds a Finnish reference number from a base of 3–19 digits (leading zeros are not part of it). */
export function makeFinnishReference(base: string): string {
  if (!/^\d+$/.test(base)) throw new RangeError('a Finnish reference number is built from digits only');
  const significant = base.replace(/^0+/, '');
  if (significant.length < 3 || significant.length > 19) {
    throw new RangeError(`a Finnish reference number has a base of 3 to 19 digits, this one has ${significant.length}`);
  }
  return significant + String(finnishCheckDigit(significant));
}

/** A valid Finnish reference number: 4–20 digits without leading zeros, the last the 7-3-1 check digit. */
export function isValidFinnishReference(ref: string): boolean {
  if (!/^[1-9]\d{3,19}$/.test(ref)) return false;
  return finnishCheckDigit(ref.slice(0, -1)) === Number(ref[ref.length - 1]);
}

// --- RF creditor reference (ISO 11649) ------------------------------------------------------

/** The remainder modulo 97 of a string of letters and digits, letters counting A = 10 … Z = 35. */
function mod97(alphanumeric: string): number {
  let remainder = 0;
  for (const ch of alphanumeric) {
    const value = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of value) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder;
}

/** Builds an RF creditor reference from 1–21 letters and digits. */
export function makeRfReference(base: string): string {
  const ref = base.toUpperCase();
  if (!/^[A-Z0-9]{1,21}$/.test(ref)) throw new RangeError('an RF creditor reference is built from 1 to 21 letters and digits');
  const check = 98 - mod97(`${ref}RF00`);
  return `RF${String(check).padStart(2, '0')}${ref}`;
}

/** A valid RF creditor reference: "RF", check digits 02–98 and 1–21 letters and digits, the whole ≡ 1 (mod 97). */
export function isValidRfReference(ref: string): boolean {
  const m = /^RF(\d{2})([A-Z0-9]{1,21})$/.exec(ref);
  if (!m) return false;
  const check = Number(m[1]);
  // 00, 01 and 99 are congruent to 97, 98 and 02: only the canonical pair is a valid check.
  if (check < 2 || check > 98) return false;
  return mod97(`${m[2]}RF${m[1]}`) === 1;
}

// --- All kinds ------------------------------------------------------------------------------

/** Builds the kind's reference from a base (digits; letters too for RF). Throws a RangeError on a base the kind cannot take. */
export function makeReference(kind: PaymentReferenceKind, base: string, options: { ocrLengthDigit?: boolean } = {}): string {
  switch (kind) {
    case 'se_ocr':
      return makeSwedishOcr(base, { lengthDigit: options.ocrLengthDigit ?? true });
    case 'fi_reference':
      return makeFinnishReference(base);
    case 'rf':
      return makeRfReference(base);
  }
}

/**
 * The reference in its electronic form, as stored and as banks exchange it, or null when it is
 * not a valid reference of the kind. Spaces are dropped and letters upper-cased; a Finnish
 * reference also loses the leading zeros of its machine-readable 20-digit form.
 */
export function normalizeReference(kind: PaymentReferenceKind, input: string): string | null {
  const compact = input.replace(/\s+/g, '').toUpperCase();
  switch (kind) {
    case 'se_ocr':
      return isValidSwedishOcr(compact) ? compact : null;
    case 'fi_reference': {
      const significant = compact.replace(/^0+(?=\d)/, '');
      return isValidFinnishReference(significant) ? significant : null;
    }
    case 'rf':
      return isValidRfReference(compact) ? compact : null;
  }
}

export function isValidReference(kind: PaymentReferenceKind, input: string): boolean {
  return normalizeReference(kind, input) !== null;
}

/** Why a reference is not valid, phrased for an integrator; null when it is valid. */
export function explainInvalidReference(kind: PaymentReferenceKind, input: string): string | null {
  if (isValidReference(kind, input)) return null;
  switch (kind) {
    case 'se_ocr':
      return 'not a valid Swedish OCR reference: 2 to 25 digits, the last a Luhn (mod 10) check digit';
    case 'fi_reference':
      return 'not a valid Finnish reference number: 4 to 20 digits, the last the 7-3-1 check digit';
    case 'rf':
      return 'not a valid RF creditor reference (ISO 11649): "RF", 2 check digits (mod 97) and up to 21 letters and digits';
  }
}

/**
 * The reference as printed on reminders and letters: OCR as one run of digits, a Finnish
 * reference in groups of five from the right, RF in groups of four. A value that is not a valid
 * reference of the kind is printed as it was given, so a message never fails on it.
 */
export function formatReference(kind: PaymentReferenceKind, ref: string): string {
  const normalized = normalizeReference(kind, ref);
  if (normalized === null) return ref.trim();
  switch (kind) {
    case 'se_ocr':
      return normalized;
    case 'fi_reference': {
      const groups: string[] = [];
      for (let end = normalized.length; end > 0; end -= 5) groups.unshift(normalized.slice(Math.max(0, end - 5), end));
      return groups.join(' ');
    }
    case 'rf':
      return normalized.replace(/(.{4})(?=.)/g, '$1 ');
  }
}

/**
 * The kind a stored reference is of: the preferred kind (the creditor's current one) when it is
 * valid as that, else the first kind it is valid as, since a creditor may change its kind after
 * a case got its reference; null when it is valid as none.
 */
export function kindOfReference(ref: string, preferred: PaymentReferenceKind): PaymentReferenceKind | null {
  return [preferred, ...PAYMENT_REFERENCE_KINDS].find((kind) => isValidReference(kind, ref)) ?? null;
}
