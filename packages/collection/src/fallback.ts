import type { Kysely } from 'kysely';
import { activity, creditors, deadlines, debtors, type AgreementRow, type CaseRow, type Database, type DeadlineRow, type InstalmentRow } from '@fordra/db';
import { continueFromNow, dayOf, SYSTEM_ACTOR, type Fallback } from '@fordra/domain';
import { requestAgreementMessage } from './agreement-messages.js';
import { openTask } from './tasks.js';
import { applyCaseAction } from './transition.js';

type Q = Kysely<Database>;

export interface FallbackRun {
  notificationIds: string[];
  deadlines: DeadlineRow[];
  handoverId: string | null;
}

/**
 * Carries out a broken agreement's fallback on the morning it is found broken: the case leaves
 * its agreement hold and the debtor hears from the creditor that same day, by an instalment plan
 * offer, the final demand, the policy going on from a named step, or the hand-over to the agency.
 */
export async function runFallback(db: Q, row: CaseRow, agreement: AgreementRow, missed: InstalmentRow, now: Date): Promise<FallbackRun> {
  const fallback = agreement.fallback as Fallback;
  const result: FallbackRun = { notificationIds: [], deadlines: [], handoverId: null };
  let current = row;
  if (row.status === 'on_hold' && row.hold_reason === 'agreement') {
    const released = await applyCaseAction(db, row, 'end_agreement_hold', { note: `agreement ${agreement.id} broken` }, SYSTEM_ACTOR, now);
    current = released.row;
    result.deadlines = released.deadlines;
  }
  if (current.status !== 'active') return result;
  const creditor = await creditors.getCreditor(db, row.creditor_id);
  if (!creditor) throw new Error(`creditor ${row.creditor_id} is missing`);
  const today = dayOf(now, creditor.time_zone);
  const record = (data: Record<string, unknown>) =>
    activity.appendActivity(db, [{ creditorId: row.creditor_id, caseId: row.id, type: 'agreement.fallback', actor: SYSTEM_ACTOR, data: { agreementId: agreement.id, ...fallback, ...data } }], now);

  switch (fallback.action) {
    case 'hand_over': {
      const escalated = await applyCaseAction(db, current, 'escalate', { note: `agreement ${agreement.id} broken` }, SYSTEM_ACTOR, now);
      result.handoverId = escalated.handoverId;
      await record({ handoverId: escalated.handoverId });
      return result;
    }
    case 'offer_instalment_plan': {
      const id = await requestMessage(db, current, agreement, 'instalment_plan_offer', missed, now);
      if (id) result.notificationIds.push(id);
      const taskId = await openTask(
        db,
        current,
        { kind: 'call', dueDate: today, agreementId: agreement.id, note: `Offer an instalment plan: the payment promised for ${missed.due_date} did not arrive.` },
        now,
      );
      await record({ notificationId: id, taskId });
      return result;
    }
    case 'final_demand':
    case 'continue_policy': {
      const waiting = await deadlines.listScheduledOfCase(db, row.id);
      const target =
        fallback.action === 'final_demand' ? waiting.find((d) => d.action === 'final_demand') : await stepAtOrAfter(db, row, waiting, fallback.stepKey ?? '');
      if (target) {
        const moved = await continueFrom(db, waiting, target, now, creditor);
        result.deadlines = [...result.deadlines.filter((d) => !moved.some((m) => m.id === d.id)), ...moved];
        await record({ continuesFrom: target.step_key });
        return result;
      }
      // No such step waits in the policy: the final demand goes out on its own, or a person decides.
      if (fallback.action === 'final_demand') {
        const id = await requestMessage(db, current, agreement, 'final_demand', missed, now);
        if (id) result.notificationIds.push(id);
        await record({ notificationId: id });
      } else {
        const taskId = await openTask(db, current, { kind: 'call', dueDate: today, agreementId: agreement.id, note: `The agreement was broken and the policy has no step left from ${fallback.stepKey}: decide the next step.` }, now);
        await record({ taskId });
      }
      return result;
    }
  }
}

/** The named step if it still waits, else the first waiting step after it. */
async function stepAtOrAfter(db: Q, row: CaseRow, waiting: DeadlineRow[], stepKey: string): Promise<DeadlineRow | undefined> {
  const named = await db
    .selectFrom('case_deadlines')
    .select('step_index')
    .where('case_id', '=', row.id)
    .where('policy_version_id', '=', row.policy_version_id ?? '')
    .where('step_key', '=', stepKey)
    .executeTakeFirst();
  if (!named) return undefined;
  return waiting.find((d) => d.step_index >= named.step_index);
}

/** Skips the waiting steps before the target, runs the target now and keeps the later ones' rhythm. */
async function continueFrom(db: Q, waiting: DeadlineRow[], target: DeadlineRow, now: Date, creditor: { country: string; time_zone: string }): Promise<DeadlineRow[]> {
  const moved: DeadlineRow[] = [];
  for (const d of waiting) {
    if (d.step_index < target.step_index) {
      await deadlines.finishDeadline(db, d.id, 'skipped', { reason: `an agreement was broken; the policy continues from ${target.step_key}` }, now);
      continue;
    }
    const to = continueFromNow({ day: target.day, dueAt: target.due_at }, { day: d.day, dueAt: d.due_at }, now, creditor.country, creditor.time_zone);
    await deadlines.moveDeadline(db, d.id, to);
    moved.push({ ...d, day: to.day, due_at: to.dueAt });
  }
  return moved;
}

/** A message the fallback sends on its own, once per broken agreement. */
async function requestMessage(db: Q, row: CaseRow, agreement: AgreementRow, template: 'instalment_plan_offer' | 'final_demand', missed: InstalmentRow, now: Date): Promise<string | null> {
  const debtor = await debtors.getDebtor(db, row.creditor_id, row.debtor_id);
  if (!debtor) return null;
  // A final demand is a letter where there is an address; an offer goes the way the agreement went.
  const preferred = template === 'final_demand' ? 'letter' : agreement.channel;
  return requestAgreementMessage(db, row, debtor, agreement, { template, preferred, idempotencyKey: `agreement-fallback-${agreement.id}-${missed.seq}` }, now);
}
