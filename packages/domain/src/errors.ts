/**
 * Rule violations the domain reports. Each kind maps to one HTTP problem type in the API, so the
 * kinds are part of the public contract: add new ones, never rename.
 */
export type DomainErrorKind =
  | 'invalid_invoice'
  | 'currency_mismatch'
  | 'invalid_identity_number'
  | 'illegal_transition'
  | 'invalid_document'
  | 'invalid_policy'
  | 'invalid_template'
  | 'invalid_payment_details'
  | 'invalid_contact'
  | 'invalid_agreement'
  | 'invalid_payment';

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
