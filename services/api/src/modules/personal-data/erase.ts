import { sql, type Kysely } from 'kysely';
import { activity, type Database, type DebtorRow } from '@fordra/db';
import type { Actor } from '@fordra/domain';
import { HttpProblem } from '../../http/problems.js';
import { blankEventText, blankPersonal } from './scrub.js';

type Q = Kysely<Database>;

const DAY_MS = 24 * 60 * 60 * 1000;

export const ERASED_NAME = 'Erased debtor';

export interface Erasure {
  debtor: DebtorRow;
  /** Messages still waiting to go out, now cancelled: no job sends them. */
  cancelledNotificationIds: string[];
  /** The debtor had been erased before: nothing was done. */
  alreadyErased: boolean;
}

/**
 * When the debtor may be erased: all its cases closed, and the last one closed at least the
 * creditor's retention period ago. A debtor without cases may be erased at once.
 */
function assertErasable(caseRows: { id: string; status: string; closed_at: Date | null; updated_at: Date }[], retentionDays: number, now: Date) {
  const open = caseRows.filter((c) => c.status !== 'closed');
  if (open.length > 0) {
    throw new HttpProblem(
      'conflict',
      `the debtor has ${open.length} open case(s) (${open.map((c) => c.id).join(', ')}): a debtor is erased only once all its cases are closed and ` +
        `the retention period of ${retentionDays} days has passed since the last one closed`,
    );
  }
  const closings = caseRows.map((c) => (c.closed_at ?? c.updated_at).getTime());
  if (closings.length === 0) return;
  const lastClosed = new Date(Math.max(...closings));
  const possibleFrom = new Date(lastClosed.getTime() + retentionDays * DAY_MS);
  if (now.getTime() < possibleFrom.getTime()) {
    throw new HttpProblem(
      'conflict',
      `the debtor's last case closed at ${lastClosed.toISOString()} and the creditor keeps personal data ${retentionDays} days after that ` +
        `(personalDataRetentionDays): erasure becomes possible at ${possibleFrom.toISOString()}`,
    );
  }
}

/**
 * Erases (anonymises) a debtor in one transaction: the debtor's own personal data, and the same
 * data wherever else Fordra keeps it. The ids, amounts, dates and statuses stay, for the
 * bookkeeping: the debtor still answers by its id, now in its erased state.
 *
 * What is blanked, on the debtor's cases:
 * - debtors: name ('Erased debtor'), identity number, email, phone, address lines, postal code,
 *   city, customer number; erased_at is set;
 * - notifications: the recipient, the rendered subject, text, HTML and PDF, the failure reason
 *   (a bounce names the address), and each attempt's detail; queued ones are cancelled, so the job
 *   that still carries their id finds nothing to send (jobs carry only ids and re-read the row);
 * - invoice documents (the PDFs) are deleted; the invoices' numbers and amounts stay;
 * - contacts' and tasks' notes and next-step notes; agreements' notes, the creditor's wording and
 *   the debtor's confirmation (name, comment, browser); the time of the confirmation stays;
 * - agency updates' notes, credit notes' and refunds' notes, payers' references on payments, and
 *   the payer's name and message of bank credits matched to the cases;
 * - the activity record: personal values in its entries' data (see scrub.ts), under the record's
 *   one, narrow exception (migration 20261124_0008_erasure);
 * - events: dispute, pause and failure texts ('' keeps them valid); those already delivered by
 *   webhook are the receiver's to erase;
 * - the stored answers of idempotent requests that name the debtor or its cases.
 */
export async function eraseDebtor(trx: Q, creditorId: string, debtorId: string, actor: Actor, now: Date): Promise<Erasure | undefined> {
  // Locking the debtor also holds back a new case for it until this commits (its foreign key
  // takes a share lock on the debtor row).
  const debtor = await trx.selectFrom('debtors').selectAll().where('creditor_id', '=', creditorId).where('id', '=', debtorId).forUpdate().executeTakeFirst();
  if (!debtor) return undefined;
  if (debtor.erased_at) return { debtor, cancelledNotificationIds: [], alreadyErased: true };

  const creditor = await trx.selectFrom('creditors').select('personal_data_retention_days').where('id', '=', creditorId).executeTakeFirstOrThrow();
  const caseRows = await trx
    .selectFrom('cases')
    .select(['id', 'status', 'closed_at', 'updated_at'])
    .where('creditor_id', '=', creditorId)
    .where('debtor_id', '=', debtorId)
    .forUpdate()
    .execute();
  assertErasable(caseRows, creditor.personal_data_retention_days, now);
  const caseIds = caseRows.map((c) => c.id);

  const erased = await trx
    .updateTable('debtors')
    .set({
      name: ERASED_NAME,
      identity_number: null,
      email: null,
      phone: null,
      address_line1: null,
      address_line2: null,
      postal_code: null,
      city: null,
      customer_number: null,
      erased_at: now,
      updated_at: now,
    })
    .where('creditor_id', '=', creditorId)
    .where('id', '=', debtorId)
    .returningAll()
    .executeTakeFirstOrThrow();

  let cancelledNotificationIds: string[] = [];
  if (caseIds.length > 0) {
    const cancelled = await trx
      .updateTable('notifications')
      .set({ status: 'cancelled', updated_at: now })
      .where('creditor_id', '=', creditorId)
      .where('case_id', 'in', caseIds)
      .where('status', '=', 'queued')
      .returning('id')
      .execute();
    cancelledNotificationIds = cancelled.map((n) => n.id);
    await trx
      .updateTable('notifications')
      // rendered_at is set so that a render already under way (it writes only where rendered_at
      // is null) cannot put the message back after this commits.
      .set({ recipient: '{}', subject: null, body_text: null, body_html: null, pdf: null, failure_reason: null, rendered_at: sql`coalesce(rendered_at, ${now})`, updated_at: now })
      .where('creditor_id', '=', creditorId)
      .where('case_id', 'in', caseIds)
      .execute();
    await trx
      .updateTable('notification_attempts')
      .set({ detail: null })
      .where('creditor_id', '=', creditorId)
      .where('notification_id', 'in', (eb) => eb.selectFrom('notifications').select('notifications.id').where('notifications.creditor_id', '=', creditorId).where('notifications.case_id', 'in', caseIds))
      .execute();

    await trx
      .deleteFrom('invoice_documents')
      .where('creditor_id', '=', creditorId)
      .where('invoice_id', 'in', (eb) => eb.selectFrom('invoices').select('id').where('creditor_id', '=', creditorId).where('case_id', 'in', caseIds))
      .execute();

    const noteBlanked = sql<string>`CASE WHEN next_step ? 'note' THEN jsonb_set(next_step, '{note}', 'null') ELSE next_step END`;
    await trx.updateTable('contacts').set({ notes: null, next_step: noteBlanked }).where('creditor_id', '=', creditorId).where('case_id', 'in', caseIds).execute();
    await trx.updateTable('tasks').set({ note: null, next_step: noteBlanked }).where('creditor_id', '=', creditorId).where('case_id', 'in', caseIds).execute();
    await trx.updateTable('agreements').set({ notes: null, creditor_will: null, confirmation: null }).where('creditor_id', '=', creditorId).where('case_id', 'in', caseIds).execute();
    await trx.updateTable('agency_updates').set({ note: null }).where('creditor_id', '=', creditorId).where('case_id', 'in', caseIds).execute();
    await trx.updateTable('case_adjustments').set({ note: null }).where('creditor_id', '=', creditorId).where('case_id', 'in', caseIds).execute();
    await trx.updateTable('payments').set({ payer_reference: null }).where('creditor_id', '=', creditorId).where('case_id', 'in', caseIds).execute();
    await trx.updateTable('unmatched_payments').set({ payer_name: null, reference: null }).where('creditor_id', '=', creditorId).where('case_id', 'in', caseIds).execute();

    await blankActivity(trx, creditorId, caseIds);
    await blankEvents(trx, creditorId, caseIds);

    // Stored answers of idempotent requests (kept 24 hours for replays) that name the debtor or
    // its cases: a created debtor, a logged contact with its notes.
    const mentions = [debtorId, ...caseIds].map((id) => `%${id}%`);
    await trx
      .deleteFrom('idempotency_keys')
      .where('owner', '=', `creditor:${creditorId}`)
      .where('state', '=', 'completed')
      .where(sql<boolean>`response_body::text LIKE ANY(${mentions}::text[])`)
      .execute();

    await activity.appendActivity(
      trx,
      caseIds.map((caseId) => ({ creditorId, caseId, type: 'debtor.erased', actor, data: { debtorId, cancelledNotifications: cancelledNotificationIds.length } })),
      now,
    );
  } else {
    await trx
      .deleteFrom('idempotency_keys')
      .where('owner', '=', `creditor:${creditorId}`)
      .where('state', '=', 'completed')
      .where(sql<boolean>`response_body::text LIKE ${`%${debtorId}%`}`)
      .execute();
  }
  return { debtor: erased, cancelledNotificationIds, alreadyErased: false };
}

/** Blanks the personal values of the cases' activity entries, under the record's erasure exception. */
async function blankActivity(trx: Q, creditorId: string, caseIds: string[]) {
  const rows = await trx.selectFrom('case_activity').select(['id', 'data']).where('creditor_id', '=', creditorId).where('case_id', 'in', caseIds).execute();
  const changed = rows
    .map((r) => ({ id: r.id.toString(), before: JSON.stringify(r.data), data: blankPersonal(r.data) }))
    .filter((r) => JSON.stringify(r.data) !== r.before)
    .map(({ id, data }) => ({ id, data }));
  if (changed.length === 0) return;
  // Only for this statement: the setting is what lets the append-only trigger accept the update.
  await sql`SELECT set_config('fordra.erasing', 'on', true)`.execute(trx);
  await sql`
    UPDATE case_activity a SET data = v.data
    FROM jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) AS v(id bigint, data jsonb)
    WHERE a.id = v.id AND a.creditor_id = ${creditorId}`.execute(trx);
  await sql`SELECT set_config('fordra.erasing', 'off', true)`.execute(trx);
}

/** Blanks the free text of the cases' events, published or not. */
async function blankEvents(trx: Q, creditorId: string, caseIds: string[]) {
  const rows = await trx.selectFrom('outbox').select(['id', 'data']).where('creditor_id', '=', creditorId).where('case_id', 'in', caseIds).execute();
  for (const row of rows) {
    const data = (row.data ?? {}) as Record<string, unknown>;
    const blanked = blankEventText(data);
    if (JSON.stringify(blanked) !== JSON.stringify(data)) {
      await trx.updateTable('outbox').set({ data: JSON.stringify(blanked) }).where('id', '=', row.id).execute();
    }
  }
}
