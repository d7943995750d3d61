import { luhnValid } from './identity-numbers.js';

/** ISO 13616: the country's length is not checked here, the mod-97 check digits are. */
export function normalizeIban(input: string): string | null {
  const iban = input.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return null;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const digits = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1 ? iban.replace(/(.{4})/g, '$1 ').trim() : null;
}

/** A Swedish bankgiro number: 7 or 8 digits written NNN-NNNN or NNNN-NNNN, Luhn check digit last. */
export function normalizeBankgiro(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  if (!/^\d{7,8}$/.test(digits) || !luhnValid(digits)) return null;
  return `${digits.slice(0, -4)}-${digits.slice(-4)}`;
}

export function isBic(input: string): boolean {
  return /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(input.trim().toUpperCase());
}
