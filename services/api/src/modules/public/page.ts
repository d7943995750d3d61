import type { Language } from '@fordra/domain';
import { formatDay, formatMoney } from '@fordra/templates';

interface PageAgreement {
  creditor: string;
  caseReference: string;
  kind: 'promise' | 'instalment_plan';
  status: string;
  amount: { amount: number; currency: string };
  instalments: { dueDate: string; amount: { amount: number; currency: string } }[];
  followUpDate: string;
  confirmedAt: string | null;
}

const WORDS: Record<Language, { title: string; intro: (creditor: string, ref: string) => string; pay: string; followUp: string; name: string; confirm: string; confirmed: string; ended: string }> = {
  sv: {
    title: 'Bekräfta överenskommelsen',
    intro: (c, r) => `Överenskommelse med ${c} om ärende ${r}.`,
    pay: 'Du betalar',
    followUp: 'Vi hör av oss igen den',
    name: 'Ditt namn',
    confirm: 'Jag bekräftar överenskommelsen',
    confirmed: 'Tack! Överenskommelsen är bekräftad.',
    ended: 'Den här överenskommelsen gäller inte längre.',
  },
  en: {
    title: 'Confirm the agreement',
    intro: (c, r) => `Agreement with ${c} on case ${r}.`,
    pay: 'You will pay',
    followUp: 'We will be in touch again on',
    name: 'Your name',
    confirm: 'I confirm the agreement',
    confirmed: 'Thank you! The agreement is confirmed.',
    ended: 'This agreement no longer applies.',
  },
  fi: {
    title: 'Vahvista sopimus',
    intro: (c, r) => `Sopimus: ${c}, asia ${r}.`,
    pay: 'Maksat',
    followUp: 'Otamme yhteyttä uudelleen',
    name: 'Nimesi',
    confirm: 'Vahvistan sopimuksen',
    confirmed: 'Kiitos! Sopimus on vahvistettu.',
    ended: 'Tämä sopimus ei ole enää voimassa.',
  },
};

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page a debtor sees when opening the link in a follow-up in a browser: what was agreed and
 * one button to confirm it. Plain HTML, no script, so it works in any mail client's browser.
 */
export function agreementPage(a: PageAgreement, language: Language): string {
  const w = WORDS[language];
  const money = (m: { amount: number; currency: string }) => escape(formatMoney(m.amount, m.currency, language));
  const lines = a.instalments.map((i) => `<li>${escape(formatDay(i.dueDate, language))}: ${money(i.amount)}</li>`).join('');
  const action = a.confirmedAt
    ? `<p><strong>${w.confirmed}</strong></p>`
    : a.status !== 'active'
      ? `<p>${w.ended}</p>`
      : `<form method="post"><label>${w.name} <input name="name" maxlength="200" autocomplete="name"></label> <button type="submit">${w.confirm}</button></form>`;
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${w.title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.5rem 1rem}</style></head>
<body><h1>${w.title}</h1><p>${escape(w.intro(a.creditor, a.caseReference))}</p>
<p>${w.pay} ${money(a.amount)}:</p><ul>${lines}</ul>
<p>${w.followUp} ${escape(formatDay(a.followUpDate, language))}.</p>
${action}</body></html>`;
}
