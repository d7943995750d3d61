import { HANDOVER_PACKAGE_VERSION, type HandoverPackage } from './handover-package.js';

/** A small, complete package for the connectors' tests. */
export function samplePackage(over: { handoverId?: string; creditorId?: string; caseId?: string } = {}): HandoverPackage {
  return {
    version: HANDOVER_PACKAGE_VERSION,
    handoverId: over.handoverId ?? '6f1c2a3e-0000-4000-8000-000000000001',
    requestedAt: '2026-12-10T08:00:00.000Z',
    builtAt: '2026-12-10T08:00:01.000Z',
    creditor: { id: over.creditorId ?? '6f1c2a3e-0000-4000-8000-0000000000c1', name: 'Acme AB', organisationNumber: '556016-0680', country: 'SE', contactEmail: null, contactPhone: null, addressLines: [], bankgiro: null, iban: null, bic: null },
    debtor: {
      id: '6f1c2a3e-0000-4000-8000-0000000000d1',
      kind: 'business',
      name: 'Kund AB',
      identityNumber: null,
      customerNumber: null,
      email: 'ap@kund.example',
      phone: null,
      address: { line1: 'Storgatan 1', line2: null, postalCode: '111 22', city: 'Stockholm', country: 'SE' },
      preferredLanguage: 'sv',
    },
    case: { id: over.caseId ?? '6f1c2a3e-0000-4000-8000-0000000000a1', externalReference: null, currency: 'SEK', status: 'escalated', handler: 'anna', openedAt: '2026-10-01T08:00:00.000Z', collectionStartedAt: null },
    claim: { principal: [{ invoiceId: 'i1', number: 'F-1', amount: 125_000 }], fees: [], principalTotal: 125_000, feesTotal: 0, paid: 0, outstanding: 125_000 },
    invoices: [{ id: 'i1', number: 'F-1', issueDate: '2026-09-01', dueDate: '2026-10-01', amount: 125_000, paymentTerms: null, document: 'invoice-F-1.pdf' }],
    ledger: [{ date: '2026-09-01', kind: 'invoice', reference: 'F-1', amount: 125_000, balance: 125_000 }],
    attempts: [],
    contacts: [],
    agreements: [],
    disputes: [],
    activity: [],
  };
}

export const SAMPLE_PDF = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');
