import type { Language } from '@fordra/domain';
import { describe, expect, it } from 'vitest';
import { renderMessage, TEMPLATE_KINDS, type MessageContext, type RenderedMessage, type TemplateKind } from './index.js';
import { sampleContext } from './test-context.js';

const LANGUAGES: Language[] = ['sv', 'en', 'fi'];

// Amounts carry no-break spaces; the assertions are written with ordinary ones.
const spaced = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

/** What a reader of the sample case must find, per language. */
const SEEN = {
  sv: {
    invoiceLine: 'Faktura 1001, förföll den 24 oktober 2026: 1 250,00 kr',
    secondLine: 'Faktura 1002, förföll den 31 oktober 2026: 12 345,50 kr',
    fees: 'Avgifter: 60,00 kr',
    total: '13 655,50 kr',
    principal: '13 595,50 kr',
    payBy: '4 december 2026',
    handOver: '7 december 2026',
    notReceived: 'ännu inte har fått betalt',
    when: 'När kan vi räkna med din betalning?',
    questions: ['frågor om fakturorna', 'varorna eller tjänsterna', 'hur du kan betala'],
    obstacle: 'Finns det något annat som hindrar dig från att betala?',
    attached: 'Fakturorna finns bifogade.',
    alreadyPaid: 'Om du redan har betalat kan du bortse från det här meddelandet.',
    cannotPay: 'Om du inte kan betala',
    dispute: 'Kontakta oss senast den 4 december 2026 om du inte kan betala eller har invändningar mot kravet.',
    paymentBelow: 'Betalningsuppgifterna finns nedan.',
    agency: 'lämnar vi över ärendet till ett inkassobolag den 7 december 2026',
    bankgiro: 'Bankgiro: 5050-1055',
    reference: 'Referens: 4711002',
    contact: ['Telefon: 08-123 45 67', 'E-post: faktura@akessons.se'],
    settled: 'hela beloppet betalt och ärendet avslutat',
  },
  en: {
    invoiceLine: 'Invoice 1001, due 24 October 2026: €1,250.00',
    secondLine: 'Invoice 1002, due 31 October 2026: €12,345.50',
    fees: 'Fees: €60.00',
    total: '€13,655.50',
    principal: '€13,595.50',
    payBy: '4 December 2026',
    handOver: '7 December 2026',
    notReceived: 'have not yet received payment',
    when: 'When can we expect your payment?',
    questions: ['questions about the invoices', 'the goods or services', 'the ways to pay'],
    obstacle: 'Is anything else keeping you from paying?',
    attached: 'The invoices are attached.',
    alreadyPaid: 'If you have already paid, please disregard this message.',
    cannotPay: 'If you cannot pay',
    dispute: 'Please contact us by 4 December 2026 if you cannot pay or if you dispute the claim.',
    paymentBelow: 'You will find the payment details below.',
    agency: 'hand the case over to a collection agency on 7 December 2026',
    bankgiro: 'Bankgiro: 5050-1055',
    reference: 'Reference: 4711002',
    contact: ['Phone: 08-123 45 67', 'Email: faktura@akessons.se'],
    settled: 'This settles the case in full.',
  },
  fi: {
    invoiceLine: 'Lasku 1001, eräpäivä 24.10.2026: 1 250,00 €',
    secondLine: 'Lasku 1002, eräpäivä 31.10.2026: 12 345,50 €',
    fees: 'Kulut: 60,00 €',
    total: '13 655,50 €',
    principal: '13 595,50 €',
    payBy: '4.12.2026',
    handOver: '7.12.2026',
    notReceived: 'emme ole vielä saaneet maksua',
    when: 'Milloin voimme odottaa maksuasi?',
    questions: ['kysyttävää laskuista', 'tuotteista tai palveluista', 'maksutavoista'],
    obstacle: 'Onko maksamiselle jokin muu este?',
    attached: 'Laskut ovat liitteenä.',
    alreadyPaid: 'Jos olet jo maksanut, tämä viesti on aiheeton.',
    cannotPay: 'Jos et pysty maksamaan',
    dispute: 'Jos et pysty maksamaan tai sinulla on huomautettavaa vaatimuksesta, ota meihin yhteyttä viimeistään 4.12.2026.',
    paymentBelow: 'Maksutiedot ovat alla.',
    agency: 'siirrämme asian perintätoimiston hoidettavaksi 7.12.2026',
    bankgiro: 'Bankgiro: 5050-1055',
    reference: 'Viite: 4711002',
    contact: ['Puhelin: 08-123 45 67', 'Sähköposti: faktura@akessons.se'],
    settled: 'Koko summa on nyt maksettu',
  },
} satisfies Record<Language, unknown>;

/** An instalment plan as the caller phrases it in each language. */
const AGREEMENT: Record<Language, NonNullable<MessageContext['agreement']>> = {
  sv: {
    kind: 'instalment_plan',
    debtorWill: 'betala 13 655,50 kr i två delar, den 15 december 2026 och den 15 januari 2027',
    creditorWill: 'inte skicka fler påminnelser så länge delbetalningarna kommer in i tid',
    followUpDate: '2026-12-16',
    ifBroken: 'går ärendet vidare enligt den vanliga planen för obetalda fakturor',
    instalments: [
      { dueDate: '2026-12-15', amountMinor: 700_000 },
      { dueDate: '2027-01-15', amountMinor: 665_550 },
    ],
    confirmUrl: 'https://app.fordra.example/confirm/abc?lang=sv&x=1',
  },
  en: {
    kind: 'instalment_plan',
    debtorWill: 'pay €13,655.50 in two parts, on 15 December 2026 and 15 January 2027',
    creditorWill: 'send no further reminders while the instalments arrive on time',
    followUpDate: '2026-12-16',
    ifBroken: 'the case continues under the usual plan for unpaid invoices',
    instalments: [
      { dueDate: '2026-12-15', amountMinor: 700_000 },
      { dueDate: '2027-01-15', amountMinor: 665_550 },
    ],
    confirmUrl: 'https://app.fordra.example/confirm/abc?lang=en&x=1',
  },
  fi: {
    kind: 'instalment_plan',
    debtorWill: 'maksat 13 655,50 € kahdessa erässä, 15.12.2026 ja 15.1.2027',
    creditorWill: 'emme lähetä uusia muistutuksia, kun erät maksetaan ajallaan',
    followUpDate: '2026-12-16',
    ifBroken: 'asia etenee tavanomaisen maksamattomien laskujen suunnitelman mukaan',
    instalments: [
      { dueDate: '2026-12-15', amountMinor: 700_000 },
      { dueDate: '2027-01-15', amountMinor: 665_550 },
    ],
    confirmUrl: 'https://app.fordra.example/confirm/abc?lang=fi&x=1',
  },
};

const AGREEMENT_SEEN = {
  sv: { ifBroken: 'Om överenskommelsen inte hålls:', followUp: 'den 16 december 2026', instalment: '15 december 2026: 7 000,00 kr', confirm: 'via den här länken', contactToConfirm: 'genom att kontakta oss' },
  en: { ifBroken: 'If the agreement is not kept:', followUp: 'on 16 December 2026', instalment: '15 December 2026: €7,000.00', confirm: 'using this link', contactToConfirm: 'by contacting us' },
  fi: { ifBroken: 'Jos sopimusta ei noudateta:', followUp: '16.12.2026', instalment: '15.12.2026: 7 000,00 €', confirm: 'tämän linkin kautta', contactToConfirm: 'ottamalla meihin yhteyttä' },
} satisfies Record<Language, unknown>;

function contextFor(kind: TemplateKind, language: Language, changes: Partial<MessageContext> = {}): MessageContext {
  const extra: Partial<MessageContext> =
    kind === 'agreement_follow_up'
      ? { agreement: AGREEMENT[language], payment: { ...sampleContext(language).payment, payBy: '2027-01-15' } }
      : kind === 'payment_confirmation'
        ? { payment_received: { amountMinor: 700_000, paidOn: '2026-12-14', remainingMinor: 665_550 } }
        : kind === 'instalment_plan_offer'
          ? { broken_agreement: { dueDate: '2026-12-15', amountMinor: 700_000 } }
          : {};
  return sampleContext(language, { ...extra, ...changes });
}

/** Both bodies, in plain words, for content checks that hold for text and HTML alike. */
function bodies(m: RenderedMessage): string[] {
  const html = m.html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');
  return [spaced(m.text), spaced(html).replace(/[ \n]+/g, ' ')];
}

function expectIn(m: RenderedMessage, phrases: string[]): void {
  for (const body of bodies(m)) for (const phrase of phrases) expect(body.replace(/\n/g, ' ')).toContain(phrase);
}

function expectNotIn(m: RenderedMessage, phrases: string[]): void {
  for (const body of bodies(m)) for (const phrase of phrases) expect(body).not.toContain(phrase);
}

function expectClean(m: RenderedMessage): void {
  for (const part of [m.subject, m.text, m.html]) {
    expect(part).not.toMatch(/\bnull\b|\bundefined\b|NaN|\[object/);
    expect(part).not.toMatch(/\{\{|\}\}|\{%|%\}/);
    expect(part.trim()).not.toBe('');
  }
  expect(m.subject).not.toContain('\n');
  // No heading left without what it introduces, no runs of blank lines where a part fell away.
  const lines = m.text.split('\n').filter((line) => line.trim() !== '');
  lines.forEach((line, i) => {
    if (line.endsWith(':')) expect(lines[i + 1] ?? '', `after "${line}"`).toMatch(/^- |: \S|^https:\/\//);
  });
  expect(m.text).not.toMatch(/\n{3,}/);
  expect(m.html).not.toMatch(/<(p|li|ul)>\s*<\/\1>/);
}

const REQUIRED: Record<TemplateKind, (language: Language) => string[]> = {
  friendly_reminder: (l) => {
    const s = SEEN[l];
    return [s.invoiceLine, s.secondLine, s.fees, s.total, s.notReceived, s.when, ...s.questions, s.obstacle, s.attached, s.alreadyPaid, s.bankgiro, s.reference, 'IBAN: SE45 5000 0000 0583 9825 7466', 'Åkessons Städ AB', ...s.contact];
  },
  reminder_letter: (l) => {
    const s = SEEN[l];
    return [s.invoiceLine, s.secondLine, s.fees, s.total, s.payBy, s.cannotPay, s.paymentBelow, s.attached, s.alreadyPaid, 'Åkessons Städ AB'];
  },
  final_demand: (l) => {
    const s = SEEN[l];
    return [s.invoiceLine, s.secondLine, s.principal, s.fees.split(':')[1]!.trim(), s.total, s.payBy, s.handOver, s.agency, s.dispute, s.paymentBelow];
  },
  agreement_follow_up: (l) => {
    const a = AGREEMENT[l];
    const s = AGREEMENT_SEEN[l];
    return [a.debtorWill, a.creditorWill, s.followUp, s.instalment, s.ifBroken, a.ifBroken!, s.confirm, a.confirmUrl!, SEEN[l].bankgiro, SEEN[l].total];
  },
  payment_confirmation: (l) => {
    const amounts = { sv: ['7 000,00 kr', '14 december 2026', '6 655,50 kr'], en: ['€7,000.00', '14 December 2026', '€6,655.50'], fi: ['7 000,00 €', '14.12.2026', '6 655,50 €'] };
    return [...amounts[l], SEEN[l].bankgiro];
  },
  instalment_plan_offer: (l) => {
    const seen = {
      sv: ['7 000,00 kr', '15 december 2026', 'avbetalningsplan'],
      en: ['€7,000.00', '15 December 2026', 'instalment plan'],
      fi: ['7 000,00 €', '15.12.2026', 'maksusuunnitelma'],
    };
    return [...seen[l], SEEN[l].total, SEEN[l].bankgiro];
  },
};

describe.each(TEMPLATE_KINDS)('%s', (kind) => {
  it.each(LANGUAGES)('says everything it must in %s, with nothing left unrendered', async (language) => {
    const m = await renderMessage(kind, contextFor(kind, language));
    expectIn(m, REQUIRED[kind](language));
    expectClean(m);
    // å ä ö survive rendering in both bodies (the sample names carry them in every language).
    for (const part of [m.text, m.html]) expect(part).toContain('Örjan Ågren');
    expect(m.html).toMatch(new RegExp(`<html lang="${language}">`));
  });

  it.each(LANGUAGES)('escapes the debtor name in the HTML part only (%s)', async (language) => {
    const m = await renderMessage(kind, contextFor(kind, language, { debtor: { name: '<script>Kund & Co</script>', kind: 'business' } }));
    expect(m.html).toContain('&lt;script&gt;Kund &amp; Co&lt;/script&gt;');
    expect(m.html).not.toContain('<script>');
    expect(m.text).toContain('<script>Kund & Co</script>');
  });
});

describe('optional parts disappear cleanly', () => {
  const bare = (language: Language, kind: TemplateKind): MessageContext =>
    contextFor(kind, language, {
      creditor: { name: 'Åkessons Städ AB', email: null, phone: null, website: null },
      invoices: [{ number: '1001', issueDate: '2026-09-24', dueDate: '2026-10-24', amountMinor: 125_000, currency: language === 'sv' ? 'SEK' : 'EUR' }],
      feesMinor: 0,
      outstandingMinor: 125_000,
      payment: { reference: null, bankgiro: null, iban: null, bic: null, payBy: null },
      handOverDate: null,
    });

  it.each(TEMPLATE_KINDS.flatMap((kind) => LANGUAGES.map((language) => [kind, language] as const)))('%s in %s without fees, bank details, contact details or dates', async (kind, language) => {
    const m = await renderMessage(kind, bare(language, kind));
    expectClean(m);
    expectNotIn(m, ['Bankgiro', 'IBAN', 'BIC', SEEN[language].contact[0]!.split(':')[0]!]);
    if (kind !== 'agreement_follow_up' && kind !== 'payment_confirmation') expectNotIn(m, [SEEN[language].fees.split(':')[0]!]);
  });

  it.each(LANGUAGES)('a single invoice is named in the subject and in the singular (%s)', async (language) => {
    const m = await renderMessage('friendly_reminder', bare(language, 'friendly_reminder'));
    expect(m.subject).toContain('1001');
    expectNotIn(m, [SEEN[language].attached]);
    expectIn(m, [{ sv: 'Fakturan finns bifogad.', en: 'The invoice is attached.', fi: 'Lasku on liitteenä.' }[language]]);
  });

  it.each(LANGUAGES)('the case reference stands in for a missing payment reference (%s)', async (language) => {
    const m = await renderMessage('friendly_reminder', sampleContext(language, { payment: { reference: null, bankgiro: '5050-1055', iban: null, bic: null, payBy: null } }));
    expectIn(m, [`${SEEN[language].reference.split(':')[0]}: K-4711`]);
  });

  it.each(LANGUAGES)('no attachment is promised when the invoices are not attached (%s)', async (language) => {
    for (const kind of ['friendly_reminder', 'reminder_letter'] as const) {
      const m = await renderMessage(kind, sampleContext(language, { invoiceAttached: false }));
      expectNotIn(m, [SEEN[language].attached]);
    }
    expectNotIn(await renderMessage('final_demand', sampleContext(language)), [SEEN[language].attached]);
    expectIn(await renderMessage('final_demand', sampleContext(language, { invoiceAttached: true })), [SEEN[language].attached]);
  });

  it.each(LANGUAGES)('a letter body points at the payment box instead of repeating it; an email carries the details (%s)', async (language) => {
    const letter = await renderMessage('reminder_letter', sampleContext(language));
    expectNotIn(letter, ['Bankgiro', 'IBAN', SEEN[language].contact[0]!]);
    const emailed = await renderMessage('reminder_letter', sampleContext(language, { channel: 'email' }));
    expectIn(emailed, [SEEN[language].bankgiro, SEEN[language].reference, ...SEEN[language].contact]);
    const posted = await renderMessage('friendly_reminder', sampleContext(language, { channel: 'letter' }));
    expectNotIn(posted, ['Bankgiro', SEEN[language].contact[0]!]);
  });

  it.each(LANGUAGES)('a final demand without a pay-by or hand-over date still says what follows (%s)', async (language) => {
    const m = await renderMessage('final_demand', sampleContext(language, { payment: { ...sampleContext(language).payment, payBy: null }, handOverDate: null }));
    expectClean(m);
    expectIn(m, [{ sv: 'till ett inkassobolag.', en: 'to a collection agency.', fi: 'perintätoimiston hoidettavaksi.' }[language]]);
  });

  it.each(LANGUAGES)('an agreement says nothing of a breach until one has been phrased, and asks for confirmation without a link (%s)', async (language) => {
    const agreement = { ...AGREEMENT[language], ifBroken: null, confirmUrl: null, kind: 'promise' as const, instalments: [] };
    const m = await renderMessage('agreement_follow_up', contextFor('agreement_follow_up', language, { agreement }));
    expectClean(m);
    expectNotIn(m, [AGREEMENT_SEEN[language].ifBroken, AGREEMENT[language].ifBroken!, 'http', AGREEMENT_SEEN[language].instalment]);
    expectIn(m, [AGREEMENT_SEEN[language].contactToConfirm, AGREEMENT[language].debtorWill, AGREEMENT_SEEN[language].followUp]);
    expect(m.html).not.toContain('<a ');
  });

  it.each(LANGUAGES)('a payment that settles the case says so and asks for nothing more (%s)', async (language) => {
    const m = await renderMessage('payment_confirmation', contextFor('payment_confirmation', language, { payment_received: { amountMinor: 1_365_550, paidOn: '2026-12-14', remainingMinor: 0 } }));
    expectClean(m);
    expectIn(m, [SEEN[language].settled, SEEN[language].total]);
    expectNotIn(m, ['Bankgiro']);
  });
});
