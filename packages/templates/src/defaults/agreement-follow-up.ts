import type { Language } from '@fordra/domain';
import type { TemplateSource } from '../context.js';
import { ASSIGN_REFERENCE, blocks, htmlDocument } from './blocks.js';

// After a call: puts both sides' commitments in writing so there is no doubt later. What happens
// if the agreement is broken is said only once the creditor has said it (ifBroken): a first
// agreement keeps that fallback in reserve rather than opening with it.
interface Phrases {
  subject: string;
  greeting: string;
  intro: string;
  debtorWill: string;
  creditorWill: string;
  payBy: string;
  instalments: string;
  followUp: string;
  ifBroken: string;
  outstanding: string;
  confirmByLink: string;
  confirmByContact: string;
  correction: string;
}

const PHRASES: Record<Language, Phrases> = {
  sv: {
    subject: 'Bekräftelse av vår överenskommelse – {{ caseReference }}',
    greeting: 'Hej {{ debtor.name }}!',
    intro: 'Tack för att du tog dig tid att prata med oss. Här bekräftar vi skriftligt det vi kom överens om.',
    debtorWill: 'Ditt åtagande',
    creditorWill: 'Vårt åtagande',
    payBy: 'Sista dag att betala enligt överenskommelsen: {{ payment.payBy | day }}',
    instalments: 'Avbetalningar',
    followUp: 'Vi hör av oss igen den {{ agreement.followUpDate | day }} för att stämma av hur det går.',
    ifBroken: 'Om överenskommelsen inte hålls: {{ agreement.ifBroken }}',
    outstanding: 'Totalt att betala i ärendet är {{ outstandingMinor | money: currency }}.',
    confirmByLink: 'Bekräfta gärna överenskommelsen via den här länken:',
    confirmByContact: 'Bekräfta gärna överenskommelsen genom att kontakta oss.',
    correction: 'Om något här inte stämmer med det vi kom överens om, hör av dig så snart som möjligt så rättar vi det.',
  },
  en: {
    subject: 'Confirmation of our agreement – {{ caseReference }}',
    greeting: 'Dear {{ debtor.name }},',
    intro: 'Thank you for taking the time to talk with us. This is a written confirmation of what we agreed.',
    debtorWill: 'What you will do',
    creditorWill: 'What we will do',
    payBy: 'Last day to pay under the agreement: {{ payment.payBy | day }}',
    instalments: 'Instalments',
    followUp: 'We will be in touch again on {{ agreement.followUpDate | day }} to see how things are going.',
    ifBroken: 'If the agreement is not kept: {{ agreement.ifBroken }}',
    outstanding: 'The total outstanding on the case is {{ outstandingMinor | money: currency }}.',
    confirmByLink: 'Please confirm the agreement using this link:',
    confirmByContact: 'Please confirm the agreement by contacting us.',
    correction: 'If anything here differs from what we agreed, please let us know as soon as possible and we will correct it.',
  },
  fi: {
    subject: 'Vahvistus sopimuksestamme – {{ caseReference }}',
    greeting: 'Hei {{ debtor.name }}',
    intro: 'Kiitos, että käytit aikaa keskusteluun kanssamme. Vahvistamme tässä kirjallisesti, mitä sovimme.',
    debtorWill: 'Sinun osuutesi',
    creditorWill: 'Meidän osuutemme',
    payBy: 'Viimeinen maksupäivä sopimuksen mukaan: {{ payment.payBy | day }}',
    instalments: 'Maksuerät',
    followUp: 'Otamme sinuun uudelleen yhteyttä {{ agreement.followUpDate | day }} ja tarkistamme tilanteen.',
    ifBroken: 'Jos sopimusta ei noudateta: {{ agreement.ifBroken }}',
    outstanding: 'Maksettavaa on asiassa yhteensä {{ outstandingMinor | money: currency }}.',
    confirmByLink: 'Vahvistathan sopimuksen tämän linkin kautta:',
    confirmByContact: 'Vahvistathan sopimuksen ottamalla meihin yhteyttä.',
    correction: 'Jos jokin tässä ei vastaa sitä, mitä sovimme, ilmoita siitä meille mahdollisimman pian, niin korjaamme asian.',
  },
};

const INSTALMENT = '{{ instalment.dueDate | day }}: {{ instalment.amountMinor | money: currency }}';

function build(language: Language): TemplateSource {
  const p = PHRASES[language];
  const b = blocks(language, 'email');
  return {
    subject: p.subject,
    text: [
      `${ASSIGN_REFERENCE}${p.greeting}`,
      p.intro,
      `{% if agreement %}- ${p.debtorWill}: {{ agreement.debtorWill }}
- ${p.creditorWill}: {{ agreement.creditorWill }}{% if payment.payBy %}

${p.payBy}{% endif %}{% if agreement.instalments.size > 0 %}

${p.instalments}:
{% for instalment in agreement.instalments %}- ${INSTALMENT}
{% endfor %}{% endif %}

${p.followUp}{% if agreement.ifBroken %}

${p.ifBroken}{% endif %}{% endif %}`,
      p.outstanding,
      b.payment.text,
      `{% if agreement.confirmUrl %}${p.confirmByLink}
{{ agreement.confirmUrl }}{% else %}${p.confirmByContact}{% endif %}`,
      p.correction,
      b.signature.text,
    ].join('\n\n'),
    html: htmlDocument(
      language,
      [
        ASSIGN_REFERENCE,
        `<p>${p.greeting}</p>`,
        `<p>${p.intro}</p>`,
        `{% if agreement %}<ul>
<li>${p.debtorWill}: {{ agreement.debtorWill }}</li>
<li>${p.creditorWill}: {{ agreement.creditorWill }}</li>
</ul>
{% if payment.payBy %}<p>${p.payBy}</p>
{% endif %}{% if agreement.instalments.size > 0 %}<p>${p.instalments}:</p>
<ul>
{% for instalment in agreement.instalments %}<li>${INSTALMENT}</li>
{% endfor %}</ul>
{% endif %}<p>${p.followUp}</p>
{% if agreement.ifBroken %}<p>${p.ifBroken}</p>
{% endif %}{% endif %}`,
        `<p>${p.outstanding}</p>`,
        b.payment.html,
        `<p>{% if agreement.confirmUrl %}${p.confirmByLink}<br>
<a href="{{ agreement.confirmUrl }}">{{ agreement.confirmUrl }}</a>{% else %}${p.confirmByContact}{% endif %}</p>`,
        `<p>${p.correction}</p>`,
        b.signature.html,
      ].join('\n'),
    ),
  };
}

export const agreementFollowUp: Record<Language, TemplateSource> = { sv: build('sv'), en: build('en'), fi: build('fi') };
