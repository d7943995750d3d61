import type { Kysely } from 'kysely';
import { activity, cases, charges, invoices, type Database } from '@fordra/db';
import { toActivity } from '../activity/schemas.js';
import { toCase } from './schemas.js';

type Q = Kysely<Database>;

const RECENT_ACTIVITY = 10;

/** The full view of one case, or undefined when the creditor has no such case. */
export async function loadCase(db: Q, creditorId: string, caseId: string) {
  const row = await cases.getCase(db, creditorId, caseId);
  if (!row) return undefined;
  const [invoiceRows, chargeRows, activityRows] = await Promise.all([
    invoices.listInvoicesOfCases(db, creditorId, [caseId]),
    charges.listChargesOfCases(db, creditorId, [caseId]),
    activity.listActivity(db, creditorId, caseId, { limit: RECENT_ACTIVITY }),
  ]);
  return toCase(row, invoiceRows, chargeRows, activityRows.slice(0, RECENT_ACTIVITY).map(toActivity));
}
