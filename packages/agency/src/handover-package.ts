/**
 * What a collection agency receives when a case is handed over: everything it needs to go on
 * without asking the creditor. This is a contract with agencies outside Fordra: fields may be
 * added (the version stays), never removed or renamed (the version goes up).
 *
 * Money is integer minor units in `case.currency`; days are YYYY-MM-DD; instants RFC 3339 UTC.
 */
export const HANDOVER_PACKAGE_VERSION = 1;

export interface HandoverPackage {
  version: typeof HANDOVER_PACKAGE_VERSION;
  handoverId: string;
  /** When the case was handed over (the escalation), and when this package was put together. */
  requestedAt: string;
  builtAt: string;
  creditor: {
    id: string;
    name: string;
    organisationNumber: string | null;
    country: string;
    contactEmail: string | null;
    contactPhone: string | null;
    addressLines: string[];
    /** Where the debtor has paid so far; an agency usually collects to its own account. */
    bankgiro: string | null;
    iban: string | null;
    bic: string | null;
  };
  debtor: {
    id: string;
    kind: 'business' | 'consumer';
    name: string;
    identityNumber: string | null;
    customerNumber: string | null;
    email: string | null;
    phone: string | null;
    address: { line1: string | null; line2: string | null; postalCode: string | null; city: string | null; country: string | null };
    preferredLanguage: string;
  };
  case: {
    id: string;
    externalReference: string | null;
    currency: string;
    status: string;
    handler: string | null;
    openedAt: string;
    collectionStartedAt: string | null;
  };
  claim: {
    principal: { invoiceId: string; number: string; amount: number }[];
    fees: { kind: string; amount: number }[];
    principalTotal: number;
    feesTotal: number;
    paid: number;
    /** Negative when the debtor paid more than was owed. */
    outstanding: number;
  };
  invoices: {
    id: string;
    number: string;
    issueDate: string;
    dueDate: string;
    amount: number;
    paymentTerms: string | null;
    /** The file name of the original invoice PDF delivered with the package; null without one. */
    document: string | null;
  }[];
  /** Every amount that moved the balance, oldest first; `balance` is the running outstanding amount. */
  ledger: { date: string; kind: 'invoice' | 'fee' | 'payment'; reference: string; amount: number; balance: number }[];
  /** Every reminder and letter, with each delivery try. */
  attempts: {
    notificationId: string;
    channel: string;
    template: string;
    language: string;
    status: string;
    createdAt: string;
    sentAt: string | null;
    failureReason: string | null;
    log: { at: string; outcome: string; detail: string | null }[];
  }[];
  contacts: {
    id: string;
    channel: string;
    direction: string;
    reached: string;
    outcome: string;
    lateReason: string | null;
    notes: string | null;
    occurredAt: string;
  }[];
  agreements: {
    id: string;
    kind: string;
    status: string;
    total: number;
    planFee: number;
    madeAt: string;
    confirmedAt: string | null;
    followUpDate: string;
    endedAt: string | null;
    endReason: string | null;
    fallback: unknown;
    instalments: { seq: number; dueDate: string; amount: number; status: string; checkedAt: string | null }[];
  }[];
  disputes: { at: string; kind: 'raised' | 'resolved'; note: string | null }[];
  /** The case's whole activity record, oldest first. */
  activity: { at: string; type: string; actor: { kind: string; id: string | null }; data: unknown }[];
}

/** A PDF delivered with the package; `fileName` is what the package's `invoices[].document` names. */
export interface HandoverDocument {
  fileName: string;
  pdf: Uint8Array;
}
