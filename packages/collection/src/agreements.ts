import type { Kysely } from 'kysely';
import { activity, creditors, debtors, outbox, type AgreementRow, type CaseRow, type Database, type DeadlineRow, type InstalmentRow } from '@fordra/db';
import {
  checkAgreement,
  dayOf,
  decideCaseAction,
  event,
  instalmentCheckAt,
  jurisdictionOf,
  planFee,
  revealFallback,
  stepInstant,
  type Actor,
  type AgreementKind,
  type Fallback,
  type HoldReason,
  type LocalDate,
} from '@fordra/domain';
import { caseOutstanding } from './outstanding.js';
import { stepsOfVersion } from './policy.js';
import { requestAgreementMessage } from './agreement-messages.js';
import { endActiveAgreement } from './agreement-end.js';
import { applyCaseAction } from './transition.js';

type Q = Kysely<Database>;

export interface AgreementRequest {
  kind: AgreementKind;
  instalments: { dueDate: LocalDate; amountMinor: number }[];
  followUpDate: LocalDate;
  fallback: Fallback;
  /** How the written follow-up goes out; the creditor's setting when not given. */
  channel?: 'email' | 'letter' | null | undefined;
  creditorWill?: string | null | undefined;
  notes?: string | null | undefined;
  contactId?: string | null | undefined;
}

export interface MadeAgreement {
  agreement: AgreementRow;
  instalments: InstalmentRow[];
  /** The written follow-up for the notifier; null when the debtor has no address for it. */
  notificationId: string | null;
  /** The agreement this one replaced. */
  replaced: string | null;
  deadlines: DeadlineRow[];
}

/**
 * Makes an agreement on a locked case: checks it against what is owed and the creditor's terms,
 * holds the policy's reminders, schedules a check for each promised date, and asks the notifier
 * for the written follow-up, all in the caller's transaction. A new agreement replaces the one
 * being kept.
 */
export async function makeAgreement(db: Q, row: CaseRow, request: AgreementRequest, actor: Actor, now: Date): Promise<MadeAgreement> {
  // The case's state first: an agreement on a case that cannot take one is a conflict, whatever its terms.
  decideCaseAction({ status: row.status, holdReason: (row.hold_reason as HoldReason | null) ?? null, activated: row.activated_at !== null }, 'hold_for_agreement');
  const creditor = await creditors.getCreditor(db, row.creditor_id);
  const debtor = await debtors.getDebtor(db, row.creditor_id, row.debtor_id);
  if (!creditor || !debtor) throw new Error(`creditor or debtor of case ${row.id} is missing`);
  const today = dayOf(now, creditor.time_zone);

  const replaced = await endActiveAgreement(db, row.id, 'cancelled', 'replaced by a new agreement', now);
  const outstanding = await caseOutstanding(db, row, now);
  const feeCharged = await db.selectFrom('case_charges').select('id').where('case_id', '=', row.id).where('kind', '=', 'instalment_plan_fee').executeTakeFirst();
  const allowedFee = feeCharged ? 0 : planFee(creditor.instalment_plan_fee_minor === null ? null : Number(creditor.instalment_plan_fee_minor), jurisdictionOf(creditor.country));
  const steps = row.policy_version_id ? await stepsOfVersion(db, row.policy_version_id) : [];
  const { totalMinor, planFeeMinor } = checkAgreement(request, {
    today,
    outstandingMinor: outstanding.amountMinor,
    planFeeMinor: allowedFee,
    policyStepKeys: steps.map((s) => s.key),
  });
  const brokenBefore = await countBroken(db, row.creditor_id, row.debtor_id);

  const agreement = await db
    .insertInto('agreements')
    .values({
      creditor_id: row.creditor_id,
      case_id: row.id,
      debtor_id: row.debtor_id,
      contact_id: request.contactId ?? null,
      kind: request.kind,
      status: 'active',
      currency: row.currency,
      total_minor: totalMinor,
      plan_fee_minor: planFeeMinor,
      follow_up_date: request.followUpDate,
      follow_up_at: stepInstant(request.followUpDate, creditor.time_zone),
      fallback: JSON.stringify({ action: request.fallback.action, stepKey: request.fallback.stepKey ?? null }),
      fallback_revealed: revealFallback(brokenBefore, creditor.reveal_fallback_after_broken),
      grace_days: creditor.agreement_grace_days,
      channel: request.channel ?? creditor.agreement_channel,
      creditor_will: request.creditorWill ?? null,
      notes: request.notes ?? null,
      made_at: now,
      actor_kind: actor.kind,
      actor_id: actor.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (planFeeMinor > 0) {
    await db
      .insertInto('case_charges')
      .values({ creditor_id: row.creditor_id, case_id: row.id, kind: 'instalment_plan_fee', amount_minor: planFeeMinor, currency: row.currency, created_at: now })
      .execute();
  }
  const instalments = await db
    .insertInto('agreement_instalments')
    .values(
      request.instalments.map((i, n) => ({
        creditor_id: row.creditor_id,
        agreement_id: agreement.id,
        case_id: row.id,
        seq: n + 1,
        due_date: i.dueDate,
        amount_minor: i.amountMinor,
        check_at: instalmentCheckAt(i.dueDate, agreement.grace_days, creditor.country, creditor.time_zone),
        status: 'pending' as const,
      })),
    )
    .returningAll()
    .execute();
  if (request.contactId) await db.updateTable('contacts').set({ agreement_id: agreement.id }).where('id', '=', request.contactId).where('case_id', '=', row.id).execute();

  const held = await applyCaseAction(db, row, 'hold_for_agreement', { note: `agreement ${agreement.id}` }, actor, now);
  const notificationId = await requestAgreementMessage(db, row, debtor, agreement, { template: 'agreement_follow_up', preferred: agreement.channel, idempotencyKey: `agreement-${agreement.id}` }, now);
  const made = notificationId ? await db.updateTable('agreements').set({ notification_id: notificationId }).where('id', '=', agreement.id).returningAll().executeTakeFirstOrThrow() : agreement;

  const fallback = request.fallback.action;
  await activity.appendActivity(
    db,
    [
      {
        creditorId: row.creditor_id,
        caseId: row.id,
        type: 'agreement.made',
        actor,
        data: {
          agreementId: agreement.id,
          kind: request.kind,
          amount: Number(totalMinor),
          instalments: request.instalments,
          followUpDate: request.followUpDate,
          fallback: request.fallback,
          fallbackRevealed: agreement.fallback_revealed,
          ...(replaced && { replaces: replaced }),
          ...(planFeeMinor && { planFee: planFeeMinor }),
          ...(notificationId ? { notificationId } : { followUp: 'the debtor has no address for the written follow-up' }),
        },
      },
    ],
    now,
  );
  await outbox.appendEvents(
    db,
    row.creditor_id,
    [
      event('agreement.made', row.id, {
        caseId: row.id,
        agreementId: agreement.id,
        kind: request.kind,
        amount: Number(totalMinor),
        currency: row.currency,
        followUpDate: request.followUpDate,
        fallback,
        replaces: replaced,
      }),
    ],
    now,
  );
  return { agreement: made, instalments, notificationId, replaced, deadlines: held.deadlines };
}

/** Agreements this debtor broke with the creditor, on any case. */
export async function countBroken(db: Q, creditorId: string, debtorId: string): Promise<number> {
  const row = await db
    .selectFrom('agreements')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('creditor_id', '=', creditorId)
    .where('debtor_id', '=', debtorId)
    .where('status', '=', 'broken')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
