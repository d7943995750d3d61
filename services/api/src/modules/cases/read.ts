import type { Kysely } from 'kysely';
import { ledgerFromRows } from '@fordra/collection';
import { getCaseView, type Database } from '@fordra/db';
import { toActivity } from '../activity/schemas.js';
import { toCase } from './schemas.js';

const RECENT_ACTIVITY = 10;

/** The full view of one case, or undefined when the creditor has no such case. */
export async function loadCase(db: Kysely<Database>, creditorId: string, caseId: string, now: Date) {
  const view = await getCaseView(db, creditorId, caseId, RECENT_ACTIVITY);
  if (!view) return undefined;
  return toCase(view.row, view.invoices, ledgerFromRows(view.row, view.ledger, now), view.activity.map(toActivity));
}
