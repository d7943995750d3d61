import { sql, type Kysely } from 'kysely';
import { activity, cases, creditors, deadlines, debtors, invoices, notifications, outbox, type CaseRow, type Database, type DebtorRow, type DeadlineRow } from '@fordra/db';
import {
  asCurrency,
  dayOf,
  DEFAULT_TEMPLATES,
  event,
  fallbackChannel,
  jurisdictionOf,
  SENDING_ACTIONS,
  SYSTEM_ACTOR,
  type Clock,
  type PolicyStep,
} from '@fordra/domain';
import { caseOutstanding } from './outstanding.js';
import { stepsOfVersion } from './policy.js';
import { recipientFor } from './recipient.js';
import { openTask } from './tasks.js';
import { applyCaseAction } from './transition.js';

type Q = Kysely<Database>;

export interface StepRun {
  /** False when there was nothing to run: not due, already run, or taken by another worker. */
  ran: boolean;
  deadlineId: string;
  notificationIds: string[];
  /** The hand-over an escalating step requested, to be given its delivery job at once. */
  handoverIds: string[];
  /** The case's next waiting step, so it can be given its job at once. */
  next: { id: string; due_at: Date } | null;
}

/**
 * Runs one due step, exactly once: the deadline row is locked and finished in the same
 * transaction as everything the step does, so a crash rolls it all back and a second worker
 * skips the row while it is locked and finds it finished afterwards.
 */
export async function runDueStep(db: Kysely<Database>, clock: Clock, deadlineId: string): Promise<StepRun> {
  return db.transaction().execute(async (trx) => {
    const none: StepRun = { ran: false, deadlineId, notificationIds: [], handoverIds: [], next: null };
    const deadline = await deadlines.claimDueDeadline(trx, deadlineId, clock.now());
    if (!deadline) return none;
    const row = await cases.getCaseForUpdate(trx, deadline.creditor_id, deadline.case_id);
    if (!row) return none;
    // Read after the case lock: waiting for another step on this case must not backdate this one.
    const now = clock.now();
    if (row.status === 'on_hold' || row.status === 'verification') return none; // a resume moves it
    if (row.status !== 'active') {
      await deadlines.finishDeadline(trx, deadline.id, 'cancelled', { reason: `case is ${row.status}` }, now);
      return { ...none, ran: true };
    }
    // Steps run in their order: a letter never overtakes the friendly email still being sent.
    if (await deadlines.hasEarlierWaiting(trx, deadline)) return none;
    const step = (await stepsOfVersion(trx, deadline.policy_version_id))[deadline.step_index];
    if (!step) throw new Error(`step ${deadline.step_index} of version ${deadline.policy_version_id} is missing`);
    const debtor = await debtors.getDebtor(trx, row.creditor_id, row.debtor_id);
    if (!debtor) throw new Error(`debtor ${row.debtor_id} is missing`);

    const skip = await conditionNotMet(trx, row, debtor, step, now);
    if (skip) {
      await finish(trx, row, deadline, 'skipped', { reason: skip }, now);
      return { ...none, ran: true, next: (await deadlines.nextWaiting(trx, row.id)) ?? null };
    }
    const outcome = await carryOut(trx, row, debtor, deadline, step, now);
    await finish(trx, row, deadline, outcome.status, outcome.detail, now);
    return { ran: true, deadlineId, notificationIds: outcome.notificationIds, handoverIds: outcome.handoverIds, next: (await deadlines.nextWaiting(trx, row.id)) ?? null };
  });
}

export async function conditionNotMet(db: Q, row: CaseRow, debtor: DebtorRow, step: PolicyStep, now: Date): Promise<string | null> {
  const c = step.conditions;
  if (c?.debtorKind && c.debtorKind !== debtor.kind) return `the step is for ${c.debtorKind} debtors`;
  if (c?.minOutstanding) {
    if (c.minOutstanding.currency !== row.currency) return `the step's minimum is in ${c.minOutstanding.currency}, the case in ${row.currency}`;
    const outstanding = await caseOutstanding(db, row, now);
    if (outstanding.amountMinor < BigInt(c.minOutstanding.amount)) return `less than ${c.minOutstanding.amount} is outstanding`;
  }
  return null;
}

export interface Outcome {
  status: 'done' | 'skipped';
  detail: Record<string, unknown>;
  notificationIds: string[];
  handoverIds: string[];
}

export async function carryOut(db: Q, row: CaseRow, debtor: DebtorRow, deadline: DeadlineRow, step: PolicyStep, now: Date): Promise<Outcome> {
  const detail: Record<string, unknown> = { action: step.action };
  const notificationIds: string[] = [];
  const handoverIds: string[] = [];
  if (SENDING_ACTIONS.includes(step.action)) {
    const channel = chooseChannel(step, debtor);
    if (!channel) return { status: 'skipped', detail: { ...detail, reason: 'the debtor has no address for this step' }, notificationIds, handoverIds };
    const id = await requestNotification(db, row, debtor, deadline, step, channel, now);
    if (id) notificationIds.push(id);
    detail.channel = channel;
    detail.notificationId = id;
    const fee = await chargeFee(db, row, debtor, deadline, step, now);
    if (fee) detail.fee = fee;
    if (step.lateCompensation) detail.lateCompensation = await chargeCompensation(db, row, debtor, now);
  } else if (step.action === 'call_task' || step.action === 'meeting_task') {
    detail.taskId = await createTask(db, row, deadline, step.action === 'call_task' ? 'call' : 'meeting', now);
  } else if (step.action === 'escalate_to_agency') {
    const escalated = await applyCaseAction(db, row, 'escalate', { note: `policy step ${step.key}` }, SYSTEM_ACTOR, now);
    if (escalated.handoverId) handoverIds.push(escalated.handoverId);
    detail.handoverId = escalated.handoverId;
  }
  if (step.recommendDeliveryBlock) {
    await outbox.appendEvents(db, row.creditor_id, [event('debtor.delivery_block_recommended', row.id, { caseId: row.id, debtorId: row.debtor_id, step: step.key })], now);
    detail.deliveryBlockRecommended = true;
  }
  return { status: 'done', detail, notificationIds, handoverIds };
}

/** Email where the step and the debtor allow it; letters for letter steps and as the fallback. */
export function chooseChannel(step: PolicyStep, debtor: DebtorRow): 'email' | 'letter' | null {
  const hasAddress = recipientFor(debtor, 'letter') !== null;
  if (step.action === 'email_reminder') return debtor.email ? 'email' : hasAddress ? 'letter' : null;
  return hasAddress ? 'letter' : null;
}

/** The notification a sending step hands to the notifier. */
export function stepNotification(row: CaseRow, debtor: DebtorRow, deadline: DeadlineRow, step: PolicyStep, channel: 'email' | 'letter', now: Date) {
  const fallback = fallbackChannel(step);
  return {
    creditor_id: row.creditor_id,
    case_id: row.id,
    deadline_id: deadline.id,
    // The same key reaches the notifier: a step that runs again can never send twice.
    idempotency_key: `step-${deadline.id}`,
    channel,
    template: step.template ?? DEFAULT_TEMPLATES[step.action],
    language: debtor.preferred_language,
    recipient: JSON.stringify(recipientFor(debtor, channel)),
    attach_invoice: step.attachInvoice ?? step.action !== 'final_demand',
    fallback_channel: fallback === channel ? null : fallback,
    status: 'queued' as const,
    created_at: now,
    updated_at: now,
  };
}

async function requestNotification(db: Q, row: CaseRow, debtor: DebtorRow, deadline: DeadlineRow, step: PolicyStep, channel: 'email' | 'letter', now: Date) {
  return notifications.queueNotification(db, stepNotification(row, debtor, deadline, step, channel, now));
}

/** Adds the step's fee where the law of the creditor's country and the debtor's terms allow it. */
async function chargeFee(db: Q, row: CaseRow, debtor: DebtorRow, deadline: DeadlineRow, step: PolicyStep, now: Date) {
  if (!step.fee) return null;
  if (step.fee.currency !== row.currency) return { charged: 0, reason: `the fee is in ${step.fee.currency}, the case in ${row.currency}` };
  const creditor = await creditors.getCreditor(db, row.creditor_id);
  const law = creditor ? jurisdictionOf(creditor.country) : null;
  let amount = step.fee.amount;
  if (law) {
    if (law.reminderFeeNeedsPriorAgreement && !row.reminder_fee_agreed) return { charged: 0, reason: 'the debtor did not agree to reminder fees in advance' };
    const cap = step.action === 'final_demand' ? law.finalDemandFeeMax : law.reminderFeeMax;
    if (cap !== null) amount = Math.min(amount, cap);
    if (debtor.kind === 'consumer' && law.consumerReminderFeeEarliestDays !== null) {
      const first = await invoices.listInvoicesOfCases(db, row.creditor_id, [row.id]);
      const due = first[0]?.due_date;
      const today = dayOf(now, creditor?.time_zone ?? 'UTC');
      if (due && Date.parse(today) - Date.parse(due) < law.consumerReminderFeeEarliestDays * 86_400_000) {
        return { charged: 0, reason: `no fee to a consumer before ${law.consumerReminderFeeEarliestDays} days after the due date` };
      }
    }
  }
  await db
    .insertInto('case_charges')
    .values({
      creditor_id: row.creditor_id,
      case_id: row.id,
      deadline_id: deadline.id,
      kind: step.action === 'final_demand' ? 'final_demand_fee' : 'reminder_fee',
      amount_minor: amount,
      currency: asCurrency(row.currency),
      created_at: now,
    })
    .onConflict((oc) => oc.column('deadline_id').doNothing())
    .execute();
  return { charged: amount, currency: row.currency };
}

/**
 * The statutory compensation a business debtor owes for paying late, once per invoice (the
 * database keeps it once even if two steps ask), in the law's own currency only.
 */
async function chargeCompensation(db: Q, row: CaseRow, debtor: DebtorRow, now: Date) {
  const creditor = await creditors.getCreditor(db, row.creditor_id);
  const law = creditor ? jurisdictionOf(creditor.country) : null;
  if (debtor.kind !== 'business') return { charged: 0, reason: 'only business debtors owe the compensation' };
  if (!law?.businessLateCompensation) return { charged: 0, reason: 'the law of the creditor’s country sets no compensation' };
  if (law.currency !== row.currency) return { charged: 0, reason: `the compensation is set in ${law.currency}, the case is in ${row.currency}` };
  const inserted = await sql<{ id: string }>`
    INSERT INTO case_charges (creditor_id, case_id, invoice_id, kind, amount_minor, currency, created_at)
    SELECT i.creditor_id, i.case_id, i.id, 'late_compensation', ${law.businessLateCompensation}, ${row.currency}, ${now}
    FROM invoices i
    WHERE i.case_id = ${row.id}
      AND NOT EXISTS (SELECT 1 FROM case_charges c WHERE c.invoice_id = i.id AND c.kind = 'late_compensation')
    RETURNING id`.execute(db);
  return { charged: inserted.rows.length * law.businessLateCompensation, invoices: inserted.rows.length };
}

async function createTask(db: Q, row: CaseRow, deadline: DeadlineRow, kind: 'call' | 'meeting', now: Date) {
  const creditor = await creditors.getCreditor(db, row.creditor_id);
  return openTask(db, row, { kind, dueDate: deadline.day ?? dayOf(now, creditor?.time_zone ?? 'UTC'), deadlineId: deadline.id }, now);
}

export async function finish(db: Q, row: CaseRow, deadline: DeadlineRow, status: 'done' | 'skipped', detail: Record<string, unknown>, now: Date) {
  await deadlines.finishDeadline(db, deadline.id, status, detail, now);
  await activity.appendActivity(
    db,
    [{ creditorId: row.creditor_id, caseId: row.id, type: status === 'done' ? 'step.completed' : 'step.skipped', actor: SYSTEM_ACTOR, data: { step: deadline.step_key, ...detail } }],
    now,
  );
}
