import type { Kysely } from 'kysely';
import { notifications, type AgreementRow, type CaseRow, type Database, type DebtorRow } from '@fordra/db';
import { recipientFor } from './recipient.js';

export interface AgreementMessage {
  template: 'agreement_follow_up' | 'instalment_plan_offer' | 'final_demand';
  /** Makes the request happen once, whatever retries follow. */
  idempotencyKey: string;
  preferred: 'email' | 'letter';
}

/**
 * Asks the notifier for a message about an agreement: on the preferred channel, else the other
 * one, with the other kept as the fallback when both addresses exist. Null when the debtor has
 * no address at all (or the message was asked for before).
 */
export async function requestAgreementMessage(db: Kysely<Database>, row: CaseRow, debtor: DebtorRow, agreement: AgreementRow, message: AgreementMessage, now: Date): Promise<string | null> {
  const other = message.preferred === 'email' ? 'letter' : 'email';
  const channel = recipientFor(debtor, message.preferred) ? message.preferred : recipientFor(debtor, other) ? other : null;
  if (!channel) return null;
  return notifications.queueNotification(db, {
    creditor_id: row.creditor_id,
    case_id: row.id,
    agreement_id: agreement.id,
    idempotency_key: message.idempotencyKey,
    channel,
    template: message.template,
    language: debtor.preferred_language,
    recipient: JSON.stringify(recipientFor(debtor, channel)),
    attach_invoice: false,
    fallback_channel: channel === message.preferred && recipientFor(debtor, other) ? other : null,
    status: 'queued',
    created_at: now,
    updated_at: now,
  });
}
