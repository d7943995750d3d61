import type { Kysely } from 'kysely';
import { agreements, type Database } from '@fordra/db';
import type { Fallback, Language } from '@fordra/domain';
import { agreementWording, type MessageContext } from '@fordra/templates';
import { agreementLink, agreementLinkExpiry, agreementToken } from './agreement-links.js';

export interface LinkSettings {
  /** Signs the confirmation link; the API checks it with the same secret. */
  secret: string;
  /** The API's public address, where the link points. */
  publicUrl: string;
}

/**
 * The agreement parts of a message about an agreement: the written follow-up's commitments and
 * confirmation link, or, for the instalment plan offer, the promised payment that did not arrive.
 */
export async function agreementContext(
  db: Kysely<Database>,
  params: { creditorId: string; agreementId: string; language: Language; links: LinkSettings },
): Promise<Pick<MessageContext, 'agreement' | 'broken_agreement'> & { payBy: string | null }> {
  const a = await db.selectFrom('agreements').selectAll().where('creditor_id', '=', params.creditorId).where('id', '=', params.agreementId).executeTakeFirst();
  if (!a) return { agreement: null, broken_agreement: null, payBy: null };
  const instalments = await agreements.listInstalments(db, params.creditorId, [a.id]);
  const promised = instalments.map((i) => ({ dueDate: i.due_date, amountMinor: Number(i.amount_minor) }));
  const wording = agreementWording(params.language, {
    kind: a.kind,
    currency: a.currency,
    instalments: promised,
    planFeeMinor: Number(a.plan_fee_minor),
    fallback: (a.fallback as Fallback).action,
    fallbackRevealed: a.fallback_revealed,
    creditorWill: a.creditor_will,
  });
  const lastCheck = instalments.reduce<Date | null>((latest, i) => (latest && latest > i.check_at ? latest : i.check_at), null);
  const token = agreementToken(params.links.secret, a.id, agreementLinkExpiry(a, lastCheck));
  const broken = instalments.find((i) => i.status === 'broken');
  return {
    agreement: {
      kind: a.kind,
      ...wording,
      followUpDate: a.follow_up_date,
      instalments: a.kind === 'instalment_plan' ? promised : [],
      confirmUrl: agreementLink(params.links.publicUrl, token),
    },
    broken_agreement: broken ? { dueDate: broken.due_date, amountMinor: Number(broken.amount_minor) } : null,
    payBy: promised[promised.length - 1]?.dueDate ?? null,
  };
}
