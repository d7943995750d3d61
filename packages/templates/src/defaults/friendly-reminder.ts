import type { Language } from '@fordra/domain';
import type { TemplateSource } from '../context.js';
import { ASSIGN_REFERENCE, blocks, htmlDocument, many } from './blocks.js';

// Sent by email right after the due date: it assumes an oversight, asks when payment will come
// and opens every door (questions, disputes, trouble paying) before anything firmer is said.
interface Phrases {
  subject: string;
  greeting: string;
  intro: string;
  when: string;
  questions: string;
  obstacle: string;
}

const PHRASES: Record<Language, Phrases> = {
  sv: {
    subject: `Påminnelse: ${many('{{ invoices.size }} obetalda fakturor', 'obetald faktura {{ invoices.first.number }}')} från {{ creditor.name }}`,
    greeting: 'Hej {{ debtor.name }}!',
    intro: `Vi vill påminna om att vi ännu inte har fått betalt för ${many('följande fakturor', 'följande faktura')}:`,
    when: 'När kan vi räkna med din betalning? Hör gärna av dig och berätta.',
    questions: `Om du har frågor om ${many('fakturorna', 'fakturan')}, om varorna eller tjänsterna eller om hur du kan betala är du välkommen att kontakta oss.`,
    obstacle: 'Finns det något annat som hindrar dig från att betala? Berätta i så fall för oss, så försöker vi hitta en lösning tillsammans.',
  },
  en: {
    subject: `Reminder: ${many('{{ invoices.size }} unpaid invoices', 'unpaid invoice {{ invoices.first.number }}')} from {{ creditor.name }}`,
    greeting: 'Dear {{ debtor.name }},',
    intro: `This is a reminder that we have not yet received payment for the following ${many('invoices', 'invoice')}:`,
    when: 'When can we expect your payment? Please let us know.',
    questions: `If you have any questions about the ${many('invoices', 'invoice')}, the goods or services, or the ways to pay, please get in touch.`,
    obstacle: 'Is anything else keeping you from paying? If so, tell us and we will try to find a solution together.',
  },
  fi: {
    subject: `Muistutus: ${many('{{ invoices.size }} erääntynyttä laskua', 'lasku {{ invoices.first.number }} on erääntynyt')} – {{ creditor.name }}`,
    greeting: 'Hei {{ debtor.name }}',
    intro: `Muistutamme, että emme ole vielä saaneet maksua ${many('seuraavista laskuista', 'seuraavasta laskusta')}:`,
    when: 'Milloin voimme odottaa maksuasi? Kerrothan meille.',
    questions: `Jos sinulla on kysyttävää ${many('laskuista', 'laskusta')}, laskutetuista tuotteista tai palveluista tai maksutavoista, ota meihin yhteyttä.`,
    obstacle: 'Onko maksamiselle jokin muu este? Jos on, kerro siitä meille, niin etsimme yhdessä ratkaisun.',
  },
};

function build(language: Language): TemplateSource {
  const p = PHRASES[language];
  const b = blocks(language, 'email');
  return {
    subject: p.subject,
    text: [
      `${ASSIGN_REFERENCE}${p.greeting}`,
      p.intro,
      b.invoices.text,
      b.totals.text,
      p.when,
      `${p.questions} ${p.obstacle}`,
      b.attachedUnlessSaidOtherwise.text,
      b.payment.text,
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
        `<p>${p.when}</p>`,
        `<p>${p.questions} ${p.obstacle}</p>`,
        b.attachedUnlessSaidOtherwise.html,
        b.payment.html,
        `<p>${b.words.alreadyPaid}</p>`,
        b.signature.html,
      ].join('\n'),
    ),
  };
}

export const friendlyReminder: Record<Language, TemplateSource> = { sv: build('sv'), en: build('en'), fi: build('fi') };
