import type { Language } from '@fordra/domain';
import type { TemplateSource } from '../context.js';
import { ASSIGN_REFERENCE, blocks, htmlDocument, many } from './blocks.js';

// The letter about ten days on: firmer than the email, with the total and, when the schedule
// has one, the day to pay by; still asks the debtor to call rather than stay silent.
interface Phrases {
  subject: string;
  greeting: string;
  intro: string;
  payBy: string;
  payNow: string;
  cannotPay: string;
}

const PHRASES: Record<Language, Phrases> = {
  sv: {
    subject: `Påminnelse: ${many('{{ invoices.size }} obetalda fakturor', 'obetald faktura {{ invoices.first.number }}')}`,
    greeting: 'Hej {{ debtor.name }}!',
    intro: `Vi har fortfarande inte fått betalt för ${many('följande fakturor', 'följande faktura')}:`,
    payBy: 'Vi ber dig betala hela beloppet senast den {{ payment.payBy | day }}.',
    payNow: 'Vi ber dig betala hela beloppet så snart som möjligt.',
    cannotPay: `Om du inte kan betala, eller om du anser att ${many('fakturorna är felaktiga', 'fakturan är felaktig')}, ber vi dig kontakta oss snarast så att vi kan hitta en lösning.`,
  },
  en: {
    subject: `Reminder: ${many('{{ invoices.size }} unpaid invoices', 'unpaid invoice {{ invoices.first.number }}')}`,
    greeting: 'Dear {{ debtor.name }},',
    intro: `We have still not received payment for the following ${many('invoices', 'invoice')}:`,
    payBy: 'Please pay the full amount by {{ payment.payBy | day }}.',
    payNow: 'Please pay the full amount as soon as possible.',
    cannotPay: `If you cannot pay, or if you believe the ${many('invoices are', 'invoice is')} incorrect, please contact us as soon as possible so that we can find a solution.`,
  },
  fi: {
    subject: `Maksumuistutus: ${many('{{ invoices.size }} maksamatonta laskua', 'lasku {{ invoices.first.number }}')}`,
    greeting: 'Hei {{ debtor.name }}',
    intro: `Emme ole vieläkään saaneet maksua ${many('seuraavista laskuista', 'seuraavasta laskusta')}:`,
    payBy: 'Pyydämme maksamaan koko summan viimeistään {{ payment.payBy | day }}.',
    payNow: 'Pyydämme maksamaan koko summan mahdollisimman pian.',
    cannotPay: `Jos et pysty maksamaan tai pidät ${many('laskuja virheellisinä', 'laskua virheellisenä')}, ota meihin yhteyttä mahdollisimman pian, jotta voimme etsiä ratkaisun yhdessä.`,
  },
};

function build(language: Language): TemplateSource {
  const p = PHRASES[language];
  const b = blocks(language, 'letter');
  const pay = `{% if payment.payBy %}${p.payBy}{% else %}${p.payNow}{% endif %}`;
  return {
    subject: p.subject,
    text: [
      `${ASSIGN_REFERENCE}${p.greeting}`,
      p.intro,
      b.invoices.text,
      b.totals.text,
      pay,
      b.payment.text,
      p.cannotPay,
      b.attachedUnlessSaidOtherwise.text,
      b.words.alreadyPaid,
      b.signature.text,
    ].join('\n\n'),
    html: htmlDocument(
      language,
      [
        ASSIGN_REFERENCE,
        `<p>${p.greeting}</p>`,
        `<p>${p.intro}</p>`,
        b.invoices.html,
        b.totals.html,
        `<p>${pay}</p>`,
        b.payment.html,
        `<p>${p.cannotPay}</p>`,
        b.attachedUnlessSaidOtherwise.html,
        `<p>${b.words.alreadyPaid}</p>`,
        b.signature.html,
      ].join('\n'),
    ),
  };
}

export const reminderLetter: Record<Language, TemplateSource> = { sv: build('sv'), en: build('en'), fi: build('fi') };
