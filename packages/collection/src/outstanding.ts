import type { Kysely } from 'kysely';
import type { CaseRow, Database } from '@fordra/db';
import { asCurrency, money, type Money } from '@fordra/domain';
import { caseLedger } from './ledger.js';

/** What the case owes today, from its ledger: principal, fees and interest, less what was paid or credited. */
export async function caseOutstanding(db: Kysely<Database>, row: CaseRow, now: Date): Promise<Money> {
  const ledger = await caseLedger(db, row, now);
  return money(ledger.parts.outstanding, asCurrency(row.currency));
}
