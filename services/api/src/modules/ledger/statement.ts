import type { CaseRow, CreditorRow, DebtorRow } from '@fordra/db';
import type { Language, Ledger, LedgerEntryKind } from '@fordra/domain';
import { letterRecipient, letterSender, recipientFor } from '@fordra/collection';
import { LetterContentError, renderLetter } from '@fordra/letters';
import { formatDay, formatMoney } from '@fordra/templates';

const WORDS: Record<Language, { subject: string; intro: string; due: string; reference: string; kinds: Record<LedgerEntryKind, string>; fees: Record<string, string> }> = {
  sv: {
    subject: 'Kontoutdrag',
    intro: 'Här är alla belopp i ärendet och vad som återstår att betala.',
    due: 'Att betala',
    reference: 'Referens',
    kinds: { principal: 'Faktura', charge: 'Avgift', interest: 'Dröjsmålsränta', payment: 'Betalning', credit_note: 'Kreditnota', write_off: 'Avskrivning', refund: 'Återbetalning' },
    fees: { reminder_fee: 'påminnelseavgift', final_demand_fee: 'inkassoavgift', collection_fee: 'inkassoavgift', instalment_plan_fee: 'avgift för avbetalningsplan', late_compensation: 'förseningsersättning' },
  },
  en: {
    subject: 'Statement of account',
    intro: 'These are all the amounts on the case and what remains to be paid.',
    due: 'Amount due',
    reference: 'Reference',
    kinds: { principal: 'Invoice', charge: 'Fee', interest: 'Late-payment interest', payment: 'Payment', credit_note: 'Credit note', write_off: 'Write-off', refund: 'Refund' },
    fees: { reminder_fee: 'reminder fee', final_demand_fee: 'collection fee', collection_fee: 'collection fee', instalment_plan_fee: 'instalment plan fee', late_compensation: 'late-payment compensation' },
  },
  fi: {
    subject: 'Tiliote',
    intro: 'Tässä ovat kaikki asian summat ja se, mitä on vielä maksettava.',
    due: 'Maksettava',
    reference: 'Viite',
    kinds: { principal: 'Lasku', charge: 'Maksu', interest: 'Viivästyskorko', payment: 'Maksu', credit_note: 'Hyvityslasku', write_off: 'Alaskirjaus', refund: 'Palautus' },
    fees: { reminder_fee: 'muistutusmaksu', final_demand_fee: 'perintäkulu', collection_fee: 'perintäkulu', instalment_plan_fee: 'maksusuunnitelman maksu', late_compensation: 'vakiokorvaus' },
  },
};

/** The lines of a statement in the debtor's language: date, what, amount, balance. */
export function statementLines(ledger: Ledger, currency: string, language: Language): string[] {
  const w = WORDS[language];
  return ledger.entries.map((e) => {
    const what = e.kind === 'charge' ? `${w.kinds.charge} (${w.fees[e.detail ?? ''] ?? e.detail})` : e.kind === 'principal' ? `${w.kinds.principal} ${e.detail}` : w.kinds[e.kind];
    return `- ${formatDay(e.date, language)}: ${what}, ${formatMoney(Number(e.amountMinor), currency, language)} (${formatMoney(Number(e.balanceMinor), currency, language)})`;
  });
}

/** The statement as a PDF letter to the debtor, with the amount due and the reference to quote. */
export async function statementPdf(params: { creditor: CreditorRow; debtor: DebtorRow; row: CaseRow; ledger: Ledger; asOf: string; now: Date }): Promise<Uint8Array> {
  const { creditor, debtor, row, ledger } = params;
  const language = debtor.preferred_language as Language;
  const w = WORDS[language];
  const address = recipientFor(debtor, 'letter');
  if (!address || !('line1' in address)) throw new LetterContentError('the debtor has no postal address');
  const reference = row.payment_reference ?? row.external_reference ?? row.id.slice(0, 8).toUpperCase();
  const letter = await renderLetter(
    {
      language,
      sender: letterSender(creditor),
      recipient: letterRecipient(address, creditor.country),
      date: formatDay(params.asOf, language),
      reference,
      subject: w.subject,
      body: [w.intro, statementLines(ledger, row.currency, language).join('\n')].join('\n\n'),
      payment: [
        { label: w.due, value: formatMoney(Number(ledger.parts.outstanding), row.currency, language) },
        { label: w.reference, value: reference },
      ],
      createdAt: params.now,
    },
    [],
  );
  return letter.pdf;
}
