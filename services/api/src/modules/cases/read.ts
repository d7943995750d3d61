import type { Kysely } from 'kysely';
import { activity, cases, invoices, type Database } from '@fordra/db';
import { toActivity } from '../activity/schemas.js';
import { toCase } from './schemas.js';

type Q = Kysely<Database>;

const RECENT_ACTIVITY = 10;

/** The full view of one case, or undefined when the creditor has no such case. */
export async function loadCase(db: Q, creditorId: string, caseId: string) {
  const row = await cases.getCase(db, creditorId, caseId);
  if (!row) return undefined;
  const [invoiceRows, activityRows] = await Promise.all([
    invoices.listInvoicesOfCases(db, creditorId, [caseId]),
    activity.listActivity(db, creditorId, caseId, { limit: RECENT_ACTIVITY }),
  ]);
  return toCase(row, invoiceRows, activityRows.slice(0, RECENT_ACTIVITY).map(toActivity));
}
