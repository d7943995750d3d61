/**
 * Which payment reference a credit carries, in the forms a case may hold it. Cases store their
 * reference in its electronic form (no spaces, upper case; a Finnish reference without leading
 * zeros), so a credit's reference is looked up in every form it is valid in.
 */
import { normalizeReference, PAYMENT_REFERENCE_KINDS } from '@fordra/domain';
import type { CamtCredit } from './camt.js';

export interface CreditReference {
  /** The reference as the payer gave it (structured, else an unstructured line that is a valid reference), or null. */
  given: string | null;
  /** Whether it passes the check digits of any kind of reference (Swedish OCR, Finnish reference, RF). */
  valid: boolean;
  /** The forms to look up among the creditor's cases; empty when no reference was given. */
  lookup: string[];
}

const compact = (s: string) => s.replace(/\s+/g, '').toUpperCase();

/** The forms a reference can take among cases: as written (compacted) and as each kind it is valid in normalises it. */
export function referenceForms(input: string): { valid: boolean; forms: string[] } {
  const c = compact(input);
  const normalized = PAYMENT_REFERENCE_KINDS.map((kind) => normalizeReference(kind, c)).filter((r): r is string => r !== null);
  return { valid: normalized.length > 0, forms: [...new Set([c, ...normalized])].filter((f) => f !== '') };
}

/**
 * The structured creditor reference when there is one. Without it, an unstructured line that is by
 * itself a valid reference counts (some payers type the OCR number into the message field); a line
 * with other words in it is never searched for numbers, which could be an invoice number or a
 * phone number that happens to match another case.
 */
export function creditReference(credit: Pick<CamtCredit, 'creditorReference' | 'remittanceLines'>): CreditReference {
  if (credit.creditorReference !== null && compact(credit.creditorReference) !== '') {
    const { valid, forms } = referenceForms(credit.creditorReference);
    return { given: credit.creditorReference, valid, lookup: forms };
  }
  for (const line of credit.remittanceLines) {
    const { valid, forms } = referenceForms(line);
    if (valid) return { given: line, valid, lookup: forms };
  }
  return { given: null, valid: false, lookup: [] };
}
