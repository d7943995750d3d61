import type { Kysely } from 'kysely';
import { asDeliveryError, type AgencyDeliveryError } from '@fordra/agency';
import { buildHandoverPackage, handoverDocuments, openTask } from '@fordra/collection';
import { activity, outbox, type CaseRow, type Database, type HandoverRow } from '@fordra/db';
import { dayOf, event, SYSTEM_ACTOR, type Clock } from '@fordra/domain';
import { connectorFor, type ConnectorSettings } from './connectors.js';

export interface HandoverDeps {
  db: Kysely<Database>;
  clock: Clock;
  connectors: ConnectorSettings;
  maxAttempts: number;
}

export type HandoverDelivery = { state: 'delivered' | 'failed' | 'withdrawn' | 'not_pending' } | { state: 'retry'; detail: string };

/**
 * Delivers one pending hand-over, once. The package is built and delivered while the row is
 * locked, and the outcome is committed with the row: a second notifier skips the row while it
 * is locked and finds it delivered afterwards. A crash after the agency took the package and
 * before the commit delivers it again, under the same hand-over id, which the agency recognises.
 */
export async function deliverHandover(deps: HandoverDeps, handoverId: string, onCase?: (caseId: string) => void): Promise<HandoverDelivery> {
  const { db, clock } = deps;
  const pending = await db.selectFrom('handovers').select(['status', 'case_id']).where('id', '=', handoverId).executeTakeFirst();
  if (pending) onCase?.(pending.case_id);
  if (pending?.status !== 'pending') return { state: 'not_pending' };

  return db.transaction().execute(async (trx): Promise<HandoverDelivery> => {
    const h = await trx.selectFrom('handovers').selectAll().where('id', '=', handoverId).where('status', '=', 'pending').forNoKeyUpdate().skipLocked().executeTakeFirst();
    if (!h) return { state: 'not_pending' };
    const row = await trx.selectFrom('cases').selectAll().where('creditor_id', '=', h.creditor_id).where('id', '=', h.case_id).executeTakeFirstOrThrow();
    // Paid, withdrawn or written off while the hand-over waited: the agency has nothing to collect.
    if (row.status !== 'escalated') return withdraw(trx, h, row, clock.now());

    const configured = await trx.selectFrom('agency_connectors').selectAll().where('creditor_id', '=', h.creditor_id).executeTakeFirst();
    const connector = connectorFor(deps.connectors, configured);
    const handover = await buildHandoverPackage(trx, h.creditor_id, h.case_id, h.id, clock.now());
    const documents = await handoverDocuments(trx, h.creditor_id, h.case_id);
    let agencyReference: string | null;
    try {
      ({ agencyReference } = await connector.deliver(handover, documents));
    } catch (err) {
      return failed(deps, trx, h, row, connector.name, asDeliveryError(err));
    }

    const now = clock.now();
    const reference = agencyReference ?? h.agency_reference;
    await trx
      .updateTable('handovers')
      .set({ status: 'delivered', connector: connector.name, agency_reference: reference, attempts: h.attempts + 1, failure_reason: null, delivered_at: now, updated_at: now })
      .where('id', '=', h.id)
      .execute();
    const data = { handoverId: h.id, connector: connector.name, agencyName: configured?.agency_name ?? null, agencyReference: reference, documents: documents.map((d) => d.fileName) };
    await activity.appendActivity(trx, [{ creditorId: h.creditor_id, caseId: h.case_id, type: 'case.handed_over', actor: SYSTEM_ACTOR, data }], now);
    await outbox.appendEvents(trx, h.creditor_id, [event('case.handed_over', h.case_id, { caseId: h.case_id, handoverId: h.id, connector: connector.name, agencyReference: reference })], now);
    return { state: 'delivered' };
  });
}

/**
 * A temporary failure is tried again until the attempts run out; then, or at once when the agency
 * refuses the package, the hand-over fails and the handler gets a call task for today: the case is
 * with nobody until a person fixes the connection or takes the case back.
 */
async function failed(deps: HandoverDeps, db: Kysely<Database>, h: HandoverRow, row: CaseRow, connector: string, err: AgencyDeliveryError): Promise<HandoverDelivery> {
  const now = deps.clock.now();
  const attempts = h.attempts + 1;
  if (err.temporary && attempts < deps.maxAttempts) {
    await db.updateTable('handovers').set({ attempts, connector, failure_reason: err.message, updated_at: now }).where('id', '=', h.id).execute();
    return { state: 'retry', detail: err.message };
  }
  const reason = err.temporary ? `gave up after ${attempts} attempts: ${err.message}` : err.message;
  await db.updateTable('handovers').set({ status: 'failed', attempts, connector, failure_reason: reason, updated_at: now }).where('id', '=', h.id).execute();
  const creditor = await db.selectFrom('creditors').select('time_zone').where('id', '=', h.creditor_id).executeTakeFirstOrThrow();
  const taskId = await openTask(
    db,
    row,
    { kind: 'call', dueDate: dayOf(now, creditor.time_zone), note: `The hand-over to the collection agency failed (${reason}). Check the agency connector, then hand the case over again or take it back.` },
    now,
  );
  await activity.appendActivity(db, [{ creditorId: h.creditor_id, caseId: h.case_id, type: 'handover.failed', actor: SYSTEM_ACTOR, data: { handoverId: h.id, connector, reason, attempts, taskId } }], now);
  return { state: 'failed' };
}

async function withdraw(db: Kysely<Database>, h: HandoverRow, row: CaseRow, now: Date): Promise<HandoverDelivery> {
  const reason = `not delivered: the case is ${row.status}${row.close_reason ? ` (${row.close_reason})` : ''}`;
  await db.updateTable('handovers').set({ status: 'closed', failure_reason: reason, updated_at: now }).where('id', '=', h.id).execute();
  await activity.appendActivity(db, [{ creditorId: h.creditor_id, caseId: h.case_id, type: 'handover.withdrawn', actor: SYSTEM_ACTOR, data: { handoverId: h.id, reason } }], now);
  return { state: 'withdrawn' };
}
