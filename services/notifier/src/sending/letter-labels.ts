import type { Language } from '@fordra/domain';
import { formatDay, formatMoney, type MessageContext } from '@fordra/templates';

const LABELS: Record<Language, Record<'due' | 'principal' | 'fees' | 'interest' | 'payBy' | 'bankgiro' | 'iban' | 'bic' | 'reference', string>> = {
  sv: { due: 'Att betala', principal: 'varav fakturor', fees: 'varav avgifter', interest: 'varav ränta', payBy: 'Betala senast', bankgiro: 'Bankgiro', iban: 'IBAN', bic: 'BIC', reference: 'Referens' },
  en: { due: 'Amount due', principal: 'of which invoices', fees: 'of which fees', interest: 'of which interest', payBy: 'Pay by', bankgiro: 'Bankgiro', iban: 'IBAN', bic: 'BIC', reference: 'Reference' },
  fi: { due: 'Maksettava', principal: 'josta laskut', fees: 'josta maksut', interest: 'josta korko', payBy: 'Eräpäivä', bankgiro: 'Bankgiro', iban: 'IBAN', bic: 'BIC', reference: 'Viite' },
};

/** The payment box of a letter: the amount due with its parts and where and how to pay it. */
export function letterLabels(language: Language) {
  const l = LABELS[language];
  return {
    formatDay: (day: string) => formatDay(day, language),
    paymentRows(c: MessageContext): { label: string; value: string }[] {
      const money = (minor: number) => formatMoney(minor, c.currency, language);
      const rows = [{ label: l.due, value: money(c.outstandingMinor) }];
      const interest = c.interestMinor ?? 0;
      if (c.feesMinor > 0 || interest > 0) {
        rows.push({ label: l.principal, value: money(c.outstandingMinor - c.feesMinor - interest) });
        if (c.feesMinor > 0) rows.push({ label: l.fees, value: money(c.feesMinor) });
        if (interest > 0) rows.push({ label: l.interest, value: money(interest) });
      }
      if (c.payment.payBy) rows.push({ label: l.payBy, value: formatDay(c.payment.payBy, language) });
      if (c.payment.bankgiro) rows.push({ label: l.bankgiro, value: c.payment.bankgiro });
      if (c.payment.iban) rows.push({ label: l.iban, value: c.payment.iban });
      if (c.payment.bic) rows.push({ label: l.bic, value: c.payment.bic });
      rows.push({ label: l.reference, value: c.payment.reference ?? c.caseReference });
      return rows;
    },
  };
}
