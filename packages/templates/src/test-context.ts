import type { Language } from '@fordra/domain';
import type { MessageContext } from './context.js';

/** A realistic case in its second month: two unpaid invoices, a reminder fee, a scheduled hand-over. */
export function sampleContext(language: Language, changes: Partial<MessageContext> = {}): MessageContext {
  const currency = language === 'sv' ? 'SEK' : 'EUR';
  return {
    language,
    today: '2026-11-24',
    creditor: { name: 'Åkessons Städ AB', email: 'faktura@akessons.se', phone: '08-123 45 67', website: 'akessons.se' },
    debtor: { name: 'Örjan Ågren', kind: 'consumer' },
    caseReference: 'K-4711',
    invoices: [
      { number: '1001', issueDate: '2026-09-24', dueDate: '2026-10-24', amountMinor: 125_000, currency },
      { number: '1002', issueDate: '2026-10-01', dueDate: '2026-10-31', amountMinor: 1_234_550, currency },
    ],
    feesMinor: 6_000,
    outstandingMinor: 125_000 + 1_234_550 + 6_000,
    currency,
    payment: { reference: '4711002', bankgiro: '5050-1055', iban: 'SE45 5000 0000 0583 9825 7466', bic: 'ESSESESS', payBy: '2026-12-04' },
    handOverDate: '2026-12-07',
    agreement: null,
    payment_received: null,
    ...changes,
  };
}
