import type { Language } from '@fordra/domain';

/** The channel a kind usually goes out on; a `channel` in the context overrides it. */
export type Usual = 'email' | 'letter';

/** Liquid choosing email or letter wording by the context's channel, else by the kind's usual one. */
export function byChannel(usual: Usual, email: string, letter: string): string {
  return usual === 'email'
    ? `{% if channel == 'letter' %}${letter}{% else %}${email}{% endif %}`
    : `{% if channel == 'email' %}${email}{% else %}${letter}{% endif %}`;
}

/** The reference to quote: the payment reference when there is one, else the case's. */
export const ASSIGN_REFERENCE = '{% assign reference = payment.reference | default: caseReference %}';

/** The invoices' sum, so a demand can show its parts even once interest joins the total. */
export const ASSIGN_PRINCIPAL = '{% assign principal = 0 %}{% for invoice in invoices %}{% assign principal = principal | plus: invoice.amountMinor %}{% endfor %}';

/** Liquid choosing the plural or singular wording by the number of invoices. */
export const many = (plural: string, singular: string): string => `{% if invoices.size > 1 %}${plural}{% else %}${singular}{% endif %}`;

export function htmlDocument(language: Language, body: string): string {
  return `<!DOCTYPE html>
<html lang="${language}">
<head><meta charset="utf-8"></head>
<body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.5; color: #222222;">
${body}
</body>
</html>`;
}

interface Words {
  invoice: string;
  /** Before the due date in an invoice line: "förföll den", "due", "eräpäivä". */
  due: string;
  fees: string;
  total: string;
  paymentDetails: string;
  reference: string;
  /** A letter's payment box holds the details; its body only points there. */
  paymentBelow: string;
  regards: string;
  phone: string;
  email: string;
  website: string;
  ourReference: string;
  attachedOne: string;
  attachedMany: string;
  alreadyPaid: string;
}

const WORDS: Record<Language, Words> = {
  sv: {
    invoice: 'Faktura',
    due: 'förföll den',
    fees: 'Avgifter',
    total: 'Totalt att betala',
    paymentDetails: 'Betalningsuppgifter',
    reference: 'Referens',
    paymentBelow: 'Betalningsuppgifterna finns nedan.',
    regards: 'Med vänliga hälsningar',
    phone: 'Telefon',
    email: 'E-post',
    website: 'Webb',
    ourReference: 'Vår referens',
    attachedOne: 'Fakturan finns bifogad.',
    attachedMany: 'Fakturorna finns bifogade.',
    alreadyPaid: 'Om du redan har betalat kan du bortse från det här meddelandet.',
  },
  en: {
    invoice: 'Invoice',
    due: 'due',
    fees: 'Fees',
    total: 'Total outstanding',
    paymentDetails: 'Payment details',
    reference: 'Reference',
    paymentBelow: 'You will find the payment details below.',
    regards: 'Kind regards',
    phone: 'Phone',
    email: 'Email',
    website: 'Web',
    ourReference: 'Our reference',
    attachedOne: 'The invoice is attached.',
    attachedMany: 'The invoices are attached.',
    alreadyPaid: 'If you have already paid, please disregard this message.',
  },
  fi: {
    invoice: 'Lasku',
    due: 'eräpäivä',
    fees: 'Kulut',
    total: 'Maksettava yhteensä',
    paymentDetails: 'Maksutiedot',
    reference: 'Viite',
    paymentBelow: 'Maksutiedot ovat alla.',
    regards: 'Ystävällisin terveisin',
    phone: 'Puhelin',
    email: 'Sähköposti',
    website: 'Verkkosivut',
    ourReference: 'Viitteemme',
    attachedOne: 'Lasku on liitteenä.',
    attachedMany: 'Laskut ovat liitteenä.',
    alreadyPaid: 'Jos olet jo maksanut, tämä viesti on aiheeton.',
  },
};

/** Text and HTML forms of the parts every message about unpaid invoices shares. */
export function blocks(language: Language, usual: Usual) {
  const w = WORDS[language];
  const line = `${w.invoice} {{ invoice.number }}, ${w.due} {{ invoice.dueDate | day }}: {{ invoice.amountMinor | money: invoice.currency }}`;
  const paymentLines = (br: string) =>
    `{% if payment.bankgiro %}Bankgiro: {{ payment.bankgiro }}${br}
{% endif %}{% if payment.iban %}IBAN: {{ payment.iban }}${br}
{% endif %}{% if payment.bic %}BIC: {{ payment.bic }}${br}
{% endif %}${w.reference}: {{ reference }}`;
  const contactLines = (br: string) =>
    `{% if creditor.phone %}${br}
${w.phone}: {{ creditor.phone }}{% endif %}{% if creditor.email %}${br}
${w.email}: {{ creditor.email }}{% endif %}{% if creditor.website %}${br}
${w.website}: {{ creditor.website }}{% endif %}`;
  const attached = (condition: 'unless-false' | 'if-true') => {
    const sentence = many(w.attachedMany, w.attachedOne);
    const when = (inner: string) =>
      condition === 'unless-false' ? `{% unless invoiceAttached == false %}${inner}{% endunless %}` : `{% if invoiceAttached %}${inner}{% endif %}`;
    return { text: when(sentence), html: when(`<p>${sentence}</p>`) };
  };

  return {
    words: w,
    invoices: {
      text: `{% for invoice in invoices %}- ${line}\n{% endfor %}`,
      html: `<ul>\n{% for invoice in invoices %}<li>${line}</li>\n{% endfor %}</ul>`,
    },
    totals: {
      text: `{% if feesMinor > 0 %}${w.fees}: {{ feesMinor | money: currency }}\n{% endif %}${w.total}: {{ outstandingMinor | money: currency }}`,
      html: `<p>{% if feesMinor > 0 %}${w.fees}: {{ feesMinor | money: currency }}<br>\n{% endif %}<strong>${w.total}: {{ outstandingMinor | money: currency }}</strong></p>`,
    },
    payment: {
      text: byChannel(usual, `${w.paymentDetails}:\n${paymentLines('')}`, w.paymentBelow),
      html: byChannel(usual, `<p><strong>${w.paymentDetails}</strong><br>\n${paymentLines('<br>')}</p>`, `<p>${w.paymentBelow}</p>`),
    },
    signature: {
      text: `${w.regards}\n{{ creditor.name }}${byChannel(usual, `${contactLines('')}\n${w.ourReference}: {{ caseReference }}`, '')}`,
      html: `<p>${w.regards}<br>\n{{ creditor.name }}${byChannel(usual, `${contactLines('<br>')}<br>\n${w.ourReference}: {{ caseReference }}`, '')}</p>`,
    },
    /** Said unless the context says the invoices are not attached. */
    attachedUnlessSaidOtherwise: attached('unless-false'),
    /** Said only when the context says the invoices are attached. */
    attachedWhenSaid: attached('if-true'),
  };
}
