import type { FallbackAction, Language } from '@fordra/domain';
import { formatDay, formatMoney } from './format.js';

export interface AgreementFacts {
  kind: 'promise' | 'instalment_plan';
  currency: string;
  instalments: { dueDate: string; amountMinor: number }[];
  planFeeMinor: number;
  fallback: FallbackAction;
  /** Whether the fallback is told now (earlier agreements were broken) or kept in reserve. */
  fallbackRevealed: boolean;
  /** The creditor's own words for its side, added to the standard one. */
  creditorWill: string | null;
}

interface Wording {
  promise: (amount: string, day: string) => string;
  plan: (count: number, total: string, fee: string | null) => string;
  creditorWill: string;
  fallback: Record<FallbackAction, string>;
  reserve: string;
}

// Friendly and factual: the debtor learns what happens next, never a threat.
const WORDING: Record<Language, Wording> = {
  sv: {
    promise: (amount, day) => `Du betalar ${amount} senast ${day}.`,
    plan: (count, total, fee) => `Du betalar ${total} i ${count} delbetalningar enligt planen nedan${fee ? ` (beloppet inkluderar en avgift för avbetalningsplanen på ${fee})` : ''}.`,
    creditorWill: 'Vi skickar inga fler påminnelser så länge överenskommelsen hålls, och vi stämmer av varje betalning.',
    fallback: {
      offer_instalment_plan: 'kontaktar vi dig för att komma överens om en avbetalningsplan.',
      final_demand: 'skickar vi ett inkassokrav på hela det utestående beloppet.',
      hand_over: 'lämnar vi över ärendet till ett inkassobolag.',
      continue_policy: 'fortsätter vi med våra vanliga påminnelser.',
    },
    reserve: 'kontaktar vi dig dagen efter det överenskomna datumet för att bestämma nästa steg.',
  },
  en: {
    promise: (amount, day) => `You will pay ${amount} no later than ${day}.`,
    plan: (count, total, fee) => `You will pay ${total} in ${count} instalments as listed below${fee ? ` (this includes an instalment plan fee of ${fee})` : ''}.`,
    creditorWill: 'We will send no further reminders while the agreement is kept, and we will check each payment.',
    fallback: {
      offer_instalment_plan: 'we will contact you to agree an instalment plan.',
      final_demand: 'we will send a final demand for the full amount outstanding.',
      hand_over: 'we will hand the case over to a collection agency.',
      continue_policy: 'we will continue with our usual reminders.',
    },
    reserve: 'we will contact you the day after the agreed date to decide the next step.',
  },
  fi: {
    promise: (amount, day) => `Maksat ${amount} viimeistään ${day}.`,
    plan: (count, total, fee) => `Maksat ${total} ${count} erässä alla olevan suunnitelman mukaan${fee ? ` (summaan sisältyy maksusuunnitelman ${fee} maksu)` : ''}.`,
    creditorWill: 'Emme lähetä uusia muistutuksia niin kauan kuin sopimusta noudatetaan, ja tarkistamme jokaisen maksun.',
    fallback: {
      offer_instalment_plan: 'otamme sinuun yhteyttä sopiaksemme maksusuunnitelmasta.',
      final_demand: 'lähetämme perintäkirjeen koko avoimesta summasta.',
      hand_over: 'siirrämme asian perintätoimistolle.',
      continue_policy: 'jatkamme tavanomaisilla muistutuksillamme.',
    },
    reserve: 'otamme sinuun yhteyttä sovittua päivää seuraavana päivänä ja sovimme seuraavasta vaiheesta.',
  },
};

/** The three sentences an agreement follow-up is built on, in the debtor's language. */
export function agreementWording(language: Language, facts: AgreementFacts): { debtorWill: string; creditorWill: string; ifBroken: string } {
  const w = WORDING[language];
  const money = (minor: number) => formatMoney(minor, facts.currency, language);
  const total = facts.instalments.reduce((s, i) => s + i.amountMinor, 0);
  const first = facts.instalments[0];
  const debtorWill =
    facts.kind === 'promise' && first
      ? w.promise(money(first.amountMinor), formatDay(first.dueDate, language))
      : w.plan(facts.instalments.length, money(total), facts.planFeeMinor ? money(facts.planFeeMinor) : null);
  const creditorWill = facts.creditorWill ? `${w.creditorWill} ${facts.creditorWill}` : w.creditorWill;
  return { debtorWill, creditorWill, ifBroken: facts.fallbackRevealed ? w.fallback[facts.fallback] : w.reserve };
}
