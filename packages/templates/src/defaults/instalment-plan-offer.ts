import type { Language } from '@fordra/domain';
import type { TemplateSource } from '../context.js';
import { ASSIGN_REFERENCE, blocks, htmlDocument } from './blocks.js';

// Sent the morning after a promised payment did not arrive: it says so plainly, without blame,
// and opens the next door (an instalment plan) before anything heavier happens.
interface Phrases {
  subject: string;
  greeting: string;
  missed: string;
  missedPlain: string;
  offer: string;
  contact: string;
  outstanding: string;
  already: string;
}

const PHRASES: Record<Language, Phrases> = {
  sv: {
    subject: 'Vi har inte fått den överenskomna betalningen – {{ caseReference }}',
    greeting: 'Hej {{ debtor.name }}!',
    missed: 'Vi kom överens om att du skulle betala {{ broken_agreement.amountMinor | money: currency }} senast den {{ broken_agreement.dueDate | day }}, men vi har inte fått någon betalning.',
    missedPlain: 'Vi har inte fått den betalning vi kom överens om.',
    offer: 'Om det är svårt att betala hela beloppet på en gång kan vi erbjuda dig en avbetalningsplan.',
    contact: 'Hör av dig till oss så snart du kan, så kommer vi överens om belopp och datum som fungerar för dig. Vi kommer också att försöka nå dig.',
    outstanding: 'Totalt att betala i ärendet är {{ outstandingMinor | money: currency }}.',
    already: 'Om du redan har betalat kan du bortse från detta meddelande.',
  },
  en: {
    subject: 'We have not received the agreed payment – {{ caseReference }}',
    greeting: 'Dear {{ debtor.name }},',
    missed: 'We agreed that you would pay {{ broken_agreement.amountMinor | money: currency }} by {{ broken_agreement.dueDate | day }}, but we have not received the payment.',
    missedPlain: 'We have not received the payment we agreed.',
    offer: 'If paying the full amount at once is difficult, we can offer you an instalment plan.',
    contact: 'Please get in touch as soon as you can, and we will agree amounts and dates that work for you. We will also try to reach you.',
    outstanding: 'The total outstanding on the case is {{ outstandingMinor | money: currency }}.',
    already: 'If you have already paid, please disregard this message.',
  },
  fi: {
    subject: 'Emme ole saaneet sovittua maksua – {{ caseReference }}',
    greeting: 'Hei {{ debtor.name }}',
    missed: 'Sovimme, että maksat {{ broken_agreement.amountMinor | money: currency }} viimeistään {{ broken_agreement.dueDate | day }}, mutta emme ole saaneet maksua.',
    missedPlain: 'Emme ole saaneet sovittua maksua.',
    offer: 'Jos koko summan maksaminen kerralla on vaikeaa, voimme tarjota sinulle maksusuunnitelman.',
    contact: 'Ota meihin yhteyttä mahdollisimman pian, niin sovimme sinulle sopivista eristä ja päivämääristä. Yritämme myös tavoittaa sinut.',
    outstanding: 'Maksettavaa on asiassa yhteensä {{ outstandingMinor | money: currency }}.',
    already: 'Jos olet jo maksanut, voit jättää tämän viestin huomiotta.',
  },
};

function build(language: Language): TemplateSource {
  const p = PHRASES[language];
  const b = blocks(language, 'email');
  const missed = `{% if broken_agreement %}${p.missed}{% else %}${p.missedPlain}{% endif %}`;
  return {
    subject: p.subject,
    text: [`${ASSIGN_REFERENCE}${p.greeting}`, missed, `${p.offer} ${p.contact}`, p.outstanding, b.payment.text, p.already, b.signature.text].join('\n\n'),
    html: htmlDocument(
      language,
      [ASSIGN_REFERENCE, `<p>${p.greeting}</p>`, `<p>${missed}</p>`, `<p>${p.offer} ${p.contact}</p>`, `<p>${p.outstanding}</p>`, b.payment.html, `<p>${p.already}</p>`, b.signature.html].join('\n'),
    ),
  };
}

export const instalmentPlanOffer: Record<Language, TemplateSource> = { sv: build('sv'), en: build('en'), fi: build('fi') };
