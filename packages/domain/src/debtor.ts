import { DomainError, type FieldIssue } from './errors.js';
import { checkIdentityNumber } from './identity-numbers.js';

export const DEBTOR_KINDS = ['business', 'consumer'] as const;
export type DebtorKind = (typeof DEBTOR_KINDS)[number];

/** Languages Fordra writes to debtors in. */
export const LANGUAGES = ['sv', 'en', 'fi'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface PostalAddress {
  readonly line1: string;
  readonly line2?: string | null;
  readonly postalCode: string;
  readonly city: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
}

/**
 * The identity number as it will be stored: checked against the scheme of the debtor's country
 * (the postal address country, else the creditor's) and normalised.
 */
export function normalizeIdentityNumber(
  identityNumber: string | null | undefined,
  kind: DebtorKind,
  country: string | null | undefined,
): string | null {
  if (identityNumber == null) return null;
  const check = checkIdentityNumber(country, kind, identityNumber);
  if (!check.ok) {
    const issue: FieldIssue = { path: 'identityNumber', message: check.reason };
    throw new DomainError('invalid_identity_number', `identity number is not valid: ${check.reason}`, [issue]);
  }
  return check.normalized;
}
