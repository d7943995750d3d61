import { sql, type Kysely } from 'kysely';
import { applyCaseAction, caseOutstanding, openTask, recordPayment } from '@fordra/collection';
import { activity, outbox, type AgencyUpdateRow, type CaseRow, type Database, type DeadlineRow, type HandoverRow } from '@fordra/db';
import { dayOf, event, type Actor, type LocalDate } from '@fordra/domain';
import { HttpProblem } from '../../http/problems.js';

type Q = Kysely<Database>;

export interface AgencyReport {
  kind: AgencyUpdateRow['kind'];
  agencyReference: string | null;
  amountMinor: number | null;
  paidOn: LocalDate | null;
  note: string | null;
}

export interface AgencyUpdateResult {
  update: AgencyUpdateRow;
  row: CaseRow;
  handover: HandoverRow;
  deadlines: DeadlineRow[];
}

/**
 * Applies what the agency reports to a locked case: the case's status and ledger follow the
 * agency, the hand-over records where it stands, and the report itself is kept, with its activity
 * entry and event, in the caller's transaction.
 */
export async function applyAgencyUpdate(db: Q, row: CaseRow, report: AgencyReport, actor: Actor, timeZone: string, now: Date): Promise<AgencyUpdateResult> {
  const handover = await latestHandover(db, row);
  // A late acknowledgement is still worth recording; anything else would reopen a closed case.
  if (row.status === 'closed' && report.kind !== 'received') throw new HttpProblem('illegal-transition', `the case is closed (${row.close_reason}); only a 'received' report is still recorded`);
  if ((report.kind === 'closed' || report.kind === 'returned') && row.status !== 'escalated') {
    throw new HttpProblem('illegal-transition', `the case is ${row.status}, not with the agency: it cannot be ${report.kind} by it`);
  }

  const { deadlines, paymentId, handoverStatus, details } = await caseFollows(db, row, handover, report, actor, timeZone, now);

  const reference = report.kind === 'received' ? (report.agencyReference ?? handover.agency_reference) : (handover.agency_reference ?? report.agencyReference);
  const updatedHandover = await db
    .updateTable('handovers')
    .set({ status: handoverStatus, agency_reference: reference, updated_at: now })
    .where('id', '=', handover.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const update = await db
    .insertInto('agency_updates')
    .values({
      creditor_id: row.creditor_id,
      case_id: row.id,
      handover_id: handover.id,
      kind: report.kind,
      amount_minor: report.amountMinor,
      payment_id: paymentId,
      agency_reference: report.agencyReference,
      note: report.note,
      reported_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const data = { updateId: update.id, handoverId: handover.id, kind: report.kind, agencyReference: report.agencyReference, note: report.note, amount: report.amountMinor, paidOn: report.paidOn, paymentId, ...details };
  await activity.appendActivity(db, [{ creditorId: row.creditor_id, caseId: row.id, type: 'agency.update_received', actor, data }], now);
  await outbox.appendEvents(db, row.creditor_id, [event('agency.update_received', row.id, { caseId: row.id, updateId: update.id, kind: report.kind })], now);
  const current = await db.selectFrom('cases').selectAll().where('creditor_id', '=', row.creditor_id).where('id', '=', row.id).executeTakeFirstOrThrow();
  return { update, row: current, handover: updatedHandover, deadlines };
}

/** What the report does to the case itself: its payments, its status, and a person's next step. */
async function caseFollows(db: Q, row: CaseRow, handover: HandoverRow, report: AgencyReport, actor: Actor, timeZone: string, now: Date) {
  let deadlines: DeadlineRow[] = [];
  let paymentId: string | null = null;
  let handoverStatus = handover.status;
  const details: Record<string, unknown> = {};
  switch (report.kind) {
    case 'received':
      break;
    case 'payment_collected': {
      const paid = await recordPayment(
        db,
        row,
        { amountMinor: report.amountMinor!, currency: row.currency, paidOn: report.paidOn!, method: 'agency', payerReference: report.agencyReference, source: 'agency' },
        actor,
        now,
      );
      paymentId = paid.payment.id;
      deadlines = paid.deadlines;
      if (paid.closed) handoverStatus = 'closed';
      break;
    }
    case 'closed': {
      // The agency is done: paid when nothing is left, otherwise it gave up and the rest is written off.
      const action = (await caseOutstanding(db, row, now)).amountMinor <= 0n ? 'mark_paid' : 'write_off';
      await applyCaseAction(db, row, action, { note: report.note ?? 'closed by the collection agency' }, actor, now);
      handoverStatus = 'closed';
      details.action = action;
      break;
    }
    case 'returned': {
      const back = await applyCaseAction(db, row, 'return_from_agency', { note: report.note ?? 'returned by the collection agency' }, actor, now);
      deadlines = back.deadlines;
      handoverStatus = 'returned';
      // The policy's steps ended with the escalation: a person decides what happens next.
      details.taskId = await openTask(
        db,
        back.row,
        { kind: 'call', dueDate: dayOf(now, timeZone), note: `The collection agency returned the case${report.note ? `: ${report.note}` : ''}. Decide how to go on.` },
        now,
      );
      break;
    }
  }
  return { deadlines, paymentId, handoverStatus, details };
}

/**
 * The case's current hand-over (the open one, else the latest), locked. The notifier holds it while it delivers; waiting here
 * while holding the case could deadlock with the delivery's own writes to the case, so a report
 * arriving in that moment is asked to come again.
 */
async function latestHandover(db: Q, row: CaseRow): Promise<HandoverRow> {
  let handover: HandoverRow | undefined;
  try {
    handover = await db
      .selectFrom('handovers')
      .selectAll()
      .where('creditor_id', '=', row.creditor_id)
      .where('case_id', '=', row.id)
      // The open one (there is at most one) before any returned or closed, whatever the clock says.
      .orderBy(sql`status IN ('pending', 'delivered')`, 'desc')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .forNoKeyUpdate()
      .noWait()
      .executeTakeFirst();
  } catch (err) {
    if ((err as { code?: string }).code === '55P03') throw new HttpProblem('conflict', 'the case is being delivered to the agency right now; send the report again in a few seconds');
    throw err;
  }
  if (!handover) throw new HttpProblem('conflict', 'the case was never handed over to an agency');
  return handover;
}
