import type { Language } from '@fordra/domain';
import type { TemplateSource } from '../context.js';
import { ASSIGN_PRINCIPAL, ASSIGN_REFERENCE, blocks, htmlDocument, many } from './blocks.js';

// The last letter before the hand-over. It says what is owed and of what, the last day to pay,
// and the one thing that follows (the case goes to a collection agency) as a plain fact; it
// names no other step, because the policy takes none.
interface Phrases {
  subject: string;
  greeting: string;
  intro: string;
  amountHeading: string;
  invoices: string;
  fees: string;
  total: string;
  payBy: string;
  payNow: string;
  handOver: string;
  contact: string;
}

const PHRASES: Record<Language, Phrases> = {
  sv: {
    subject: `Sista påminnelse före inkasso: ${many('{{ invoices.size }} obetalda fakturor', 'faktura {{ invoices.first.number }}')}`,
    greeting: 'Hej {{ debtor.name }}!',
    intro: `Vi har ännu inte fått betalt för ${many('följande fakturor', 'följande faktura')}:`,
    amountHeading: 'Att betala',
    invoices: 'Fakturabelopp',
    fees: 'Avgifter',
    total: 'Totalt',
    payBy: 'Hela beloppet behöver vara betalt senast den {{ payment.payBy | day }}.',
    payNow: 'Vi ber dig betala hela beloppet omgående.',
    handOver:
      'Om beloppet inte blir betalt{% if payment.payBy %} i tid{% endif %} lämnar vi över ärendet till ett inkassobolag{% if handOverDate %} den {{ handOverDate | day }}{% endif %}. Därefter är det inkassobolaget som sköter ärendet.',
    contact: 'Kontakta oss {% if payment.payBy %}senast den {{ payment.payBy | day }}{% else %}så snart som möjligt{% endif %} om du inte kan betala eller har invändningar mot kravet.',
  },
  en: {
    subject: `Final reminder before collection: ${many('{{ invoices.size }} unpaid invoices', 'invoice {{ invoices.first.number }}')}`,
    greeting: 'Dear {{ debtor.name }},',
    intro: `We have still not received payment for the following ${many('invoices', 'invoice')}:`,
    amountHeading: 'Amount to pay',
    invoices: 'Invoices',
    fees: 'Fees',
    total: 'Total',
    payBy: 'The full amount must be paid by {{ payment.payBy | day }}.',
    payNow: 'Please pay the full amount without delay.',
    handOver:
      'If the amount is not paid{% if payment.payBy %} by then{% endif %}, we will hand the case over to a collection agency{% if handOverDate %} on {{ handOverDate | day }}{% endif %}. From then on, the collection agency will handle the case.',
    contact: 'Please contact us {% if payment.payBy %}by {{ payment.payBy | day }}{% else %}as soon as possible{% endif %} if you cannot pay or if you dispute the claim.',
  },
  fi: {
    subject: `Viimeinen maksumuistutus ennen perintää: ${many('{{ invoices.size }} maksamatonta laskua', 'lasku {{ invoices.first.number }}')}`,
    greeting: 'Hei {{ debtor.name }}',
    intro: `Emme ole vieläkään saaneet maksua ${many('seuraavista laskuista', 'seuraavasta laskusta')}:`,
    amountHeading: 'Maksettava',
    invoices: 'Laskut',
    fees: 'Kulut',
    total: 'Yhteensä',
    payBy: 'Koko summan on oltava maksettu viimeistään {{ payment.payBy | day }}.',
    payNow: 'Pyydämme maksamaan koko summan viipymättä.',
    handOver:
      'Jos summaa ei makseta{% if payment.payBy %} määräaikaan mennessä{% endif %}, siirrämme asian perintätoimiston hoidettavaksi{% if handOverDate %} {{ handOverDate | day }}{% endif %}. Sen jälkeen asiaa hoitaa perintätoimisto.',
    contact:
      'Jos et pysty maksamaan tai sinulla on huomautettavaa vaatimuksesta, ota meihin yhteyttä {% if payment.payBy %}viimeistään {{ payment.payBy | day }}{% else %}mahdollisimman pian{% endif %}.',
  },
};

function build(language: Language): TemplateSource {
  const p = PHRASES[language];
  const b = blocks(language, 'letter');
  const fees = '{{ feesMinor | money: currency }}';
  const pay = `{% if payment.payBy %}${p.payBy}{% else %}${p.payNow}{% endif %}`;
  return {
    subject: p.subject,
    text: [
      `${ASSIGN_REFERENCE}${ASSIGN_PRINCIPAL}${p.greeting}`,
      p.intro,
      b.invoices.text,
      `${p.amountHeading}:
- ${p.invoices}: {{ principal | money: currency }}
{% if feesMinor > 0 %}- ${p.fees}: ${fees}
{% endif %}- ${p.total}: {{ outstandingMinor | money: currency }}`,
      pay,
      b.payment.text,
      p.handOver,
      p.contact,
      b.attachedWhenSaid.text,
      b.words.alreadyPaid,
      b.signature.text,
    ].join('\n\n'),
    html: htmlDocument(
      language,
      [
        `${ASSIGN_REFERENCE}${ASSIGN_PRINCIPAL}`,
        `<p>${p.greeting}</p>`,
        `<p>${p.intro}</p>`,
        b.invoices.html,
        `<p>${p.amountHeading}:</p>
<ul>
<li>${p.invoices}: {{ principal | money: currency }}</li>
{% if feesMinor > 0 %}<li>${p.fees}: ${fees}</li>
{% endif %}<li><strong>${p.total}: {{ outstandingMinor | money: currency }}</strong></li>
</ul>`,
        `<p><strong>${pay}</strong></p>`,
        b.payment.html,
        `<p>${p.handOver}</p>`,
        `<p>${p.contact}</p>`,
        b.attachedWhenSaid.html,
        `<p>${b.words.alreadyPaid}</p>`,
        b.signature.html,
      ].join('\n'),
    ),
  };
}

export const finalDemand: Record<Language, TemplateSource> = { sv: build('sv'), en: build('en'), fi: build('fi') };
