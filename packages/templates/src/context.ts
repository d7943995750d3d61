export const TEMPLATE_KINDS = ['friendly_reminder', 'reminder_letter', 'final_demand', 'agreement_follow_up', 'payment_confirmation', 'instalment_plan_offer'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** Liquid sources for one message. For letters, `text` is the letter body and `html` the same content as simple HTML. */
export interface TemplateSource {
  subject: string;
  text: string;
  html: string;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

/**
 * Everything a template may use. Amounts are integers in minor units; days are LocalDate
 * strings (YYYY-MM-DD), formatted in templates with the `money` and `day` filters.
 */
export interface MessageContext {
  language: 'sv' | 'en' | 'fi';
  today: string;
  creditor: { name: string; email: string | null; phone: string | null; website: string | null };
  debtor: { name: string; kind: 'business' | 'consumer' };
  /** What the debtor quotes: the creditor's external reference, else a short case id. */
  caseReference: string;
  /** The unpaid invoices. */
  invoices: { number: string; issueDate: string; dueDate: string; amountMinor: number; currency: string }[];
  /** Fees added to the case (reminder fees etc.). */
  feesMinor: number;
  /** Late-payment interest accrued and unpaid (0 when the creditor charges none). */
  interestMinor?: number;
  /** Invoices plus fees plus interest, less what was paid or credited. */
  outstandingMinor: number;
  currency: string;
  /** payBy: the last day to pay (final demand, agreement). */
  payment: { reference: string | null; bankgiro: string | null; iban: string | null; bic: string | null; payBy: string | null };
  /** When the case goes to the collection agency if it stays unpaid (final demand). */
  handOverDate: string | null;
  /** agreement_follow_up only. */
  agreement: null | {
    kind: 'promise' | 'instalment_plan';
    /** What the debtor will do, already phrased in the message's language. */
    debtorWill: string;
    /** What the creditor will do, already phrased. */
    creditorWill: string;
    followUpDate: string;
    /** What happens if the agreement is broken, already phrased; null while it has not been said (the fallback is kept in reserve). */
    ifBroken: string | null;
    instalments: { dueDate: string; amountMinor: number }[];
    confirmUrl: string | null;
  };
  /** instalment_plan_offer: the promised payment that did not arrive. */
  broken_agreement?: null | { dueDate: string; amountMinor: number };
  /** payment_confirmation only. */
  payment_received: null | { amountMinor: number; paidOn: string; remainingMinor: number };
  /**
   * How the message goes out. A letter's layout prints the payment box and the sender's contact
   * details itself, so a letter body only points at them instead of repeating them. When omitted,
   * each kind assumes its usual channel: letter for reminder_letter and final_demand, email otherwise.
   */
  channel?: 'email' | 'letter';
  /**
   * Whether the invoice PDFs go with the message, so the wording never promises an attachment
   * that is not there. When omitted, the friendly reminder and the reminder letter say the invoice
   * is attached (the policy's default for them) and the other kinds say nothing about it.
   */
  invoiceAttached?: boolean;
}
