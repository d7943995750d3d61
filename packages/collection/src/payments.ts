import type { Kysely } from 'kysely';
import { activity, creditors, outbox, type CaseRow, type Database, type DeadlineRow, type PaymentRow } from '@fordra/db';
import { asCurrency, compareDates, dayOf, DomainError, event, money, toJsonAmount, type Actor, type Allocation, type LocalDate, type Money } from '@fordra/domain';
import { caseLedger } from './ledger.js';
import { applyCaseAction } from './transition.js';

type Q = Kysely<Database>;

export interface PaymentInput {
  amountMinor: number;
  currency: string;
  paidOn: LocalDate;
  method: PaymentRow['method'];
  payerReference: string | null;
  source: PaymentRow['source'];
  /** Bank files: the credit's own reference, which makes it count once whichever file brings it. */
  bankEntryRef?: string | null;
  paymentFileId?: string | null;
}

export interface PaymentResult {
  payment: PaymentRow;
  /** What the payment settled, in the creditor's order; overpaid is kept for refund. */
  allocation: Allocation;
  /** What is left after the payment; negative when the case is overpaid (to be refunded). */
  outstanding: Money;
  /** The payment settled the case, which closed as paid. */
  closed: boolean;
  deadlines: DeadlineRow[];
}

/**
 * Records money received on a locked case. A case paid in full closes as paid: its agreement is
 * kept, its pending steps and tasks end. A partial payment leaves the policy (or the agreement,
 * checked on its dates) to go on with the rest.
 */
export async function recordPayment(db: Q, row: CaseRow, input: PaymentInput, actor: Actor, now: Date): Promise<PaymentResult> {
  if (input.currency !== row.currency) {
    throw new DomainError('invalid_payment', `the case is in ${row.currency}`, [{ path: 'currency', message: `must be ${row.currency}, the case's currency` }]);
  }
  const creditor = await creditors.getCreditor(db, row.creditor_id);
  const today = dayOf(now, creditor?.time_zone ?? 'UTC');
  if (compareDates(input.paidOn, today) > 0) throw new DomainError('invalid_payment', 'a payment cannot be dated in the future', [{ path: 'paidOn', message: `must be ${today} or earlier` }]);
  const payment = await db
    .insertInto('payments')
    .values({
      creditor_id: row.creditor_id,
      case_id: row.id,
      amount_minor: input.amountMinor,
      currency: row.currency,
      paid_on: input.paidOn,
      method: input.method,
      payer_reference: input.payerReference,
      source: input.source,
      bank_entry_ref: input.bankEntryRef ?? null,
      payment_file_id: input.paymentFileId ?? null,
      actor_kind: actor.kind,
      actor_id: actor.id,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const ledger = await caseLedger(db, row, now);
  const outstanding = money(ledger.parts.outstanding, asCurrency(row.currency));
  const allocation = ledger.entries.find((e) => e.sourceId === payment.id)?.allocation ?? { costs: 0n, interest: 0n, principal: 0n, overpaid: 0n };
  const data: Record<string, unknown> = {
    paymentId: payment.id,
    amount: input.amountMinor,
    paidOn: input.paidOn,
    method: input.method,
    outstanding: toJsonAmount(outstanding),
    allocation: { costs: Number(allocation.costs), interest: Number(allocation.interest), principal: Number(allocation.principal), overpaid: Number(allocation.overpaid) },
  };
  if (outstanding.amountMinor < 0n) data.overpaid = toJsonAmount({ ...outstanding, amountMinor: -outstanding.amountMinor });
  await activity.appendActivity(db, [{ creditorId: row.creditor_id, caseId: row.id, type: 'payment.received', actor, data }], now);
  await outbox.appendEvents(
    db,
    row.creditor_id,
    [event('payment.received', row.id, { caseId: row.id, paymentId: payment.id, amount: input.amountMinor, currency: row.currency, paidOn: input.paidOn, outstanding: toJsonAmount(outstanding), source: input.source })],
    now,
  );
  if (outstanding.amountMinor > 0n || row.status === 'closed') return { payment, allocation, outstanding, closed: false, deadlines: [] };
  await keepActiveAgreement(db, row, now);
  const closed = await applyCaseAction(db, row, 'mark_paid', { note: 'paid in full' }, actor, now);
  return { payment, allocation, outstanding, closed: true, deadlines: closed.deadlines };
}

/** Paid in full: the agreement being kept is kept, whatever instalments were still to come. */
export async function keepActiveAgreement(db: Q, row: CaseRow, now: Date): Promise<void> {
  const kept = await db
    .updateTable('agreements')
    .set({ status: 'kept', ended_at: now, end_reason: 'paid in full' })
    .where('case_id', '=', row.id)
    .where('status', '=', 'active')
    .returning('id')
    .executeTakeFirst();
  if (!kept) return;
  await db.updateTable('agreement_instalments').set({ status: 'kept', checked_at: now }).where('agreement_id', '=', kept.id).where('status', '=', 'pending').execute();
  await activity.appendActivity(db, [{ creditorId: row.creditor_id, caseId: row.id, type: 'agreement.kept', actor: { kind: 'system', id: null }, data: { agreementId: kept.id } }], now);
  await outbox.appendEvents(db, row.creditor_id, [event('agreement.kept', row.id, { caseId: row.id, agreementId: kept.id })], now);
}
