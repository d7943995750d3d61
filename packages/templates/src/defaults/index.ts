import type { Language } from '@fordra/domain';
import type { TemplateKind, TemplateSource } from '../context.js';
import { isLanguage } from '../format.js';
import { agreementFollowUp } from './agreement-follow-up.js';
import { finalDemand } from './final-demand.js';
import { instalmentPlanOffer } from './instalment-plan-offer.js';
import { friendlyReminder } from './friendly-reminder.js';
import { paymentConfirmation } from './payment-confirmation.js';
import { reminderLetter } from './reminder-letter.js';

const DEFAULTS: Record<TemplateKind, Record<Language, TemplateSource>> = {
  friendly_reminder: friendlyReminder,
  reminder_letter: reminderLetter,
  final_demand: finalDemand,
  agreement_follow_up: agreementFollowUp,
  payment_confirmation: paymentConfirmation,
  instalment_plan_offer: instalmentPlanOffer,
};

/** Fordra's own wording for a kind in a language; a copy, so a caller may edit it freely. */
export function defaultTemplate(kind: TemplateKind, language: Language): TemplateSource {
  const byLanguage = Object.hasOwn(DEFAULTS, kind) ? DEFAULTS[kind] : undefined;
  if (!byLanguage) throw new RangeError(`unknown template kind: ${String(kind)}`);
  if (!isLanguage(language)) throw new RangeError(`unsupported language: ${String(language)}`);
  return { ...byLanguage[language] };
}
