import type { Language } from '@fordra/domain';
import type { TemplateSource } from '../context.js';
import { ASSIGN_REFERENCE, blocks, htmlDocument } from './blocks.js';

// A thank-you that also closes the loop: either what remains to pay, or that nothing does.
interface Phrases {
  subject: string;
  greeting: string;
  thanks: string;
  thanksPlain: string;
  remaining: string;
  payBy: string;
  settled: string;
}

const PHRASES: Record<Language, Phrases> = {
  sv: {
    subject: 'Tack för din betalning – {{ caseReference }}',
    greeting: 'Hej {{ debtor.name }}!',
    thanks: 'Tack för din betalning på {{ payment_received.amountMinor | money: currency }} den {{ payment_received.paidOn | day }}.',
    thanksPlain: 'Tack för din betalning.',
    remaining: 'Kvar att betala i ärendet är {{ payment_received.remainingMinor | money: currency }}.',
    payBy: 'Betala det resterande beloppet senast den {{ payment.payBy | day }}.',
    settled: 'Därmed är hela beloppet betalt och ärendet avslutat. Du behöver inte göra något mer.',
  },
  en: {
    subject: 'Thank you for your payment – {{ caseReference }}',
    greeting: 'Dear {{ debtor.name }},',
    thanks: 'Thank you for your payment of {{ payment_received.amountMinor | money: currency }} on {{ payment_received.paidOn | day }}.',
    thanksPlain: 'Thank you for your payment.',
    remaining: 'The remaining amount on the case is {{ payment_received.remainingMinor | money: currency }}.',
    payBy: 'Please pay the remaining amount by {{ payment.payBy | day }}.',
    settled: 'This settles the case in full. There is nothing more you need to do.',
  },
  fi: {
    subject: 'Kiitos maksustasi – {{ caseReference }}',
    greeting: 'Hei {{ debtor.name }}',
    thanks: 'Kiitos {{ payment_received.paidOn | day }} tekemästäsi maksusta ({{ payment_received.amountMinor | money: currency }}).',
    thanksPlain: 'Kiitos maksustasi.',
    remaining: 'Maksettavaa on vielä jäljellä {{ payment_received.remainingMinor | money: currency }}.',
    payBy: 'Pyydämme maksamaan loppusumman viimeistään {{ payment.payBy | day }}.',
    settled: 'Koko summa on nyt maksettu, ja asia on sillä hoidettu. Sinun ei tarvitse tehdä enää mitään.',
  },
};

function build(language: Language): TemplateSource {
  const p = PHRASES[language];
  const b = blocks(language, 'email');
  const open = (inner: string) => `{% if payment_received and payment_received.remainingMinor > 0 %}${inner}`;
  return {
    subject: p.subject,
    text: [
      `${ASSIGN_REFERENCE}${p.greeting}`,
      `{% if payment_received %}${p.thanks}{% else %}${p.thanksPlain}{% endif %}`,
      `${open(`${p.remaining}{% if payment.payBy %} ${p.payBy}{% endif %}

${b.payment.text}`)}{% elsif payment_received %}${p.settled}{% endif %}`,
      b.signature.text,
    ].join('\n\n'),
    html: htmlDocument(
      language,
      [
        ASSIGN_REFERENCE,
        `<p>${p.greeting}</p>`,
        `<p>{% if payment_received %}${p.thanks}{% else %}${p.thanksPlain}{% endif %}</p>`,
        `${open(`<p>${p.remaining}{% if payment.payBy %} ${p.payBy}{% endif %}</p>
${b.payment.html}`)}{% elsif payment_received %}<p>${p.settled}</p>{% endif %}`,
        b.signature.html,
      ].join('\n'),
    ),
  };
}

export const paymentConfirmation: Record<Language, TemplateSource> = { sv: build('sv'), en: build('en'), fi: build('fi') };
