/**
 * Importing a bank file: every booked credit is recorded on the case its reference names, or put
 * in the unmatched list with the reason, once. The whole import is one transaction, and imports
 * of one creditor run one at a time (a transaction-scoped advisory lock), so two files carrying
 * the same credit at the same moment still record it once.
 */
import { sql, type Kysely } from 'kysely';
import { creditReference, type CamtCredit, type CamtFile } from '@fordra/bank-files';
import { recordPayment } from '@fordra/collection';
import { afterCursor, cases, splitPage, type CaseRow, type Database, type Db, type DeadlineRow, type PageRequest, type PaymentFileRow, type PaymentRow, type UnmatchedPaymentRow } from '@fordra/db';
import { DomainError, isOpen, MAX_AMOUNT_MINOR, type Actor } from '@fordra/domain';
import { HttpProblem } from '../../http/problems.js';
import type { ImportedEntry, PaymentFileSummary, UnmatchedReason } from './schemas.js';

type Q = Kysely<Database>;

/** Look-ups by reference go to Postgres in slices of this many values (one array parameter each). */
const SLICE = 5_000;
/** A deadlock (another transaction locking the same cases in another order) is retried this often. */
const DEADLOCK_TRIES = 3;

const clean = (s: string | null | undefined, max: number): string | null => {
  if (s === null || s === undefined) return null;
  const t = s.replaceAll('\u0000', '').trim();
  return t === '' ? null : t.slice(0, max);
};

/** What the payer wrote: the reference when there is one, else the unstructured message. */
function givenReference(credit: CamtCredit, max: number): string | null {
  const ref = creditReference(credit);
  return clean(ref.given ?? credit.creditorReference ?? credit.remittanceLines.join(' / '), max);
}

function entryOf(credit: CamtCredit, outcome: ImportedEntry['outcome'], over: Partial<ImportedEntry> = {}): ImportedEntry {
  return {
    entryRef: credit.entryRef,
    bookingDate: credit.bookingDate,
    amount: { amount: Number(credit.amountMinor), currency: credit.currency },
    reference: givenReference(credit, 500),
    payerName: clean(credit.debtorName, 200),
    outcome,
    caseId: null,
    paymentId: null,
    unmatchedPaymentId: null,
    reason: null,
    detail: null,
    ...over,
  };
}

function summaryOf(row: PaymentFileRow, skipped: PaymentFileSummary['skipped'], entries: ImportedEntry[]): PaymentFileSummary {
  return {
    id: row.id,
    format: row.format,
    messageId: row.message_id,
    importedAt: row.imported_at.toISOString(),
    counts: { entries: row.entries, matched: row.matched, unmatched: row.unmatched, duplicates: row.duplicates },
    skipped,
    entries,
  };
}

async function inSlices<T>(values: readonly string[], run: (slice: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  const unique = [...new Set(values)];
  for (let i = 0; i < unique.length; i += SLICE) out.push(...(await run(unique.slice(i, i + SLICE))));
  return out;
}

const knownPayments = (db: Q, creditorId: string, refs: readonly string[]) =>
  inSlices(refs, (slice) =>
    db.selectFrom('payments').selectAll().where('creditor_id', '=', creditorId).where(sql<boolean>`bank_entry_ref = any(${slice}::text[])`).execute(),
  );

const knownUnmatched = (db: Q, creditorId: string, refs: readonly string[]) =>
  inSlices(refs, (slice) =>
    db.selectFrom('unmatched_payments').selectAll().where('creditor_id', '=', creditorId).where(sql<boolean>`bank_entry_ref = any(${slice}::text[])`).execute(),
  );

export interface ImportResult {
  /** false: the creditor had imported this very file before, and nothing changed. */
  created: boolean;
  summary: PaymentFileSummary;
  /** Deadlines the payments moved (a case paid in full cancels its steps), for their jobs after the commit. */
  deadlines: DeadlineRow[];
}

export interface ImportInput {
  creditorId: string;
  sha256: string;
  file: CamtFile;
  actor: Actor;
  now: Date;
}

/** Imports a parsed file in one transaction, retried on a deadlock. */
export async function importPaymentFile(db: Db, input: ImportInput): Promise<ImportResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute((trx) => importIn(trx, input));
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || attempt >= DEADLOCK_TRIES) throw err;
    }
  }
}

async function importIn(trx: Q, { creditorId, sha256, file, actor, now }: ImportInput): Promise<ImportResult> {
  const tooLarge = file.credits.find((c) => c.amountMinor > BigInt(MAX_AMOUNT_MINOR));
  if (tooLarge) {
    throw new HttpProblem('unprocessable', `the credit ${tooLarge.entryRef} is larger than the ${MAX_AMOUNT_MINOR} minor units a payment may be`);
  }
  // One import per creditor at a time: the checks for known credits below then see every earlier import.
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`fordra:payment-files:${creditorId}`}, 0))`.execute(trx);

  const earlier = await trx.selectFrom('payment_files').selectAll().where('creditor_id', '=', creditorId).where('sha256', '=', sha256).executeTakeFirst();
  if (earlier) return { created: false, summary: await replaySummary(trx, earlier, file), deadlines: [] };

  const fileRow = await trx
    .insertInto('payment_files')
    .values({ creditor_id: creditorId, sha256, format: file.format, message_id: clean(file.messageId, 200), entries: file.credits.length, matched: 0, unmatched: 0, duplicates: 0, imported_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();

  const refs = file.credits.map((c) => c.entryRef);
  const paidBefore = new Map((await knownPayments(trx, creditorId, refs)).map((p) => [p.bank_entry_ref!, p]));
  const listedBefore = new Map((await knownUnmatched(trx, creditorId, refs)).map((u) => [u.bank_entry_ref, u]));

  // Which case each reference names, read first without locks; then the cases are locked in id order,
  // whatever the file's order, so the import never waits in a circle with a transaction locking cases
  // the same way (a deadlock with one locking in another order is retried, see importPaymentFile).
  const references = file.credits.map((c) => creditReference(c));
  const forms = references.flatMap((r) => r.lookup);
  const byReference = new Map<string, string>();
  for (const row of await inSlices(forms, (slice) =>
    trx.selectFrom('cases').select(['id', 'payment_reference']).where('creditor_id', '=', creditorId).where(sql<boolean>`payment_reference = any(${slice}::text[])`).execute(),
  )) {
    byReference.set(row.payment_reference!, row.id);
  }
  const caseOf = (i: number): string | undefined => references[i]!.lookup.map((f) => byReference.get(f)).find((id) => id !== undefined);
  const caseIds = [...new Set(file.credits.map((_, i) => caseOf(i)).filter((id): id is string => id !== undefined))].sort();
  const locked = new Map<string, CaseRow>();
  for (const id of caseIds) {
    const row = await cases.getCaseForUpdate(trx, creditorId, id);
    if (row) locked.set(id, row);
  }

  const seen = new Set<string>();
  const entries: ImportedEntry[] = [];
  const deadlines: DeadlineRow[] = [];
  let matched = 0;
  let unmatched = 0;
  let duplicates = 0;

  for (const [i, credit] of file.credits.entries()) {
    const known = paidBefore.get(credit.entryRef);
    const listed = listedBefore.get(credit.entryRef);
    if (seen.has(credit.entryRef) || known || listed) {
      duplicates += 1;
      entries.push(entryOf(credit, 'duplicate', { caseId: known?.case_id ?? listed?.case_id ?? null, paymentId: known?.id ?? listed?.payment_id ?? null, unmatchedPaymentId: listed?.id ?? null }));
      seen.add(credit.entryRef);
      continue;
    }
    seen.add(credit.entryRef);

    const ref = references[i]!;
    const caseId = caseOf(i);
    const row = caseId ? locked.get(caseId) : undefined;
    let reason: UnmatchedReason | null = null;
    let detail: string | null = null;
    if (ref.given === null) reason = 'no_reference';
    else if (!row) reason = ref.valid ? 'unknown_reference' : 'invalid_reference';
    else if (!isOpen(row.status)) reason = 'case_closed';
    else if (row.currency !== credit.currency) reason = 'currency_mismatch';
    else {
      const paid = await tryRecord(trx, row, credit, fileRow.id, actor, now);
      if ('payment' in paid) {
        matched += 1;
        deadlines.push(...paid.deadlines);
        // The case may have closed: the next credit for it in this file must see that.
        locked.set(row.id, (await cases.getCaseForUpdate(trx, creditorId, row.id)) ?? row);
        entries.push(entryOf(credit, 'matched', { caseId: row.id, paymentId: paid.payment.id }));
        continue;
      }
      reason = 'payment_refused';
      detail = paid.refused;
    }

    const listedNow = await trx
      .insertInto('unmatched_payments')
      .values({
        creditor_id: creditorId,
        payment_file_id: fileRow.id,
        bank_entry_ref: credit.entryRef,
        amount_minor: credit.amountMinor,
        currency: credit.currency,
        booked_on: credit.bookingDate,
        reference: givenReference(credit, 500),
        payer_name: clean(credit.debtorName, 200),
        reason,
        status: 'open',
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    unmatched += 1;
    entries.push(entryOf(credit, 'unmatched', { unmatchedPaymentId: listedNow.id, reason, detail }));
  }

  const done = await trx.updateTable('payment_files').set({ matched, unmatched, duplicates }).where('id', '=', fileRow.id).returningAll().executeTakeFirstOrThrow();
  return { created: true, summary: summaryOf(done, file.skipped, entries), deadlines };
}

/**
 * Records the credit on the case inside a savepoint: a payment the case refuses (a rule of
 * recordPayment's) goes to the unmatched list instead of failing the whole file.
 */
async function tryRecord(trx: Q, row: CaseRow, credit: CamtCredit, paymentFileId: string, actor: Actor, now: Date): Promise<{ payment: PaymentRow; deadlines: DeadlineRow[] } | { refused: string }> {
  await sql`SAVEPOINT bank_credit`.execute(trx);
  try {
    const result = await recordPayment(
      trx,
      row,
      {
        amountMinor: Number(credit.amountMinor),
        currency: credit.currency,
        paidOn: credit.bookingDate,
        method: 'bank_transfer',
        payerReference: givenReference(credit, 140),
        source: 'bank_file',
        bankEntryRef: credit.entryRef,
        paymentFileId,
      },
      actor,
      now,
    );
    await sql`RELEASE SAVEPOINT bank_credit`.execute(trx);
    return { payment: result.payment, deadlines: result.deadlines };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    await sql`ROLLBACK TO SAVEPOINT bank_credit`.execute(trx);
    await sql`RELEASE SAVEPOINT bank_credit`.execute(trx);
    return { refused: err.message };
  }
}

/**
 * The earlier import's answer, rebuilt from the same file and what the import recorded: each
 * credit is the payment or unmatched payment it made, or a duplicate as it was then.
 */
async function replaySummary(db: Q, row: PaymentFileRow, file: CamtFile): Promise<PaymentFileSummary> {
  const { payments, listed } = await madeBy(db, row);
  const paymentByRef = new Map(payments.map((p) => [p.bank_entry_ref!, p]));
  const listedByRef = new Map(listed.map((u) => [u.bank_entry_ref, u]));
  const seen = new Set<string>();
  const otherRefs = file.credits.map((c) => c.entryRef).filter((r) => !paymentByRef.has(r) && !listedByRef.has(r));
  const otherPayments = new Map((await knownPayments(db, row.creditor_id, otherRefs)).map((p) => [p.bank_entry_ref!, p]));
  const otherListed = new Map((await knownUnmatched(db, row.creditor_id, otherRefs)).map((u) => [u.bank_entry_ref, u]));
  const entries = file.credits.map((credit) => {
    const first = !seen.has(credit.entryRef);
    seen.add(credit.entryRef);
    const u = listedByRef.get(credit.entryRef);
    const p = paymentByRef.get(credit.entryRef);
    if (first && u) return entryOf(credit, 'unmatched', { unmatchedPaymentId: u.id, caseId: u.case_id, paymentId: u.payment_id, reason: u.reason as UnmatchedReason });
    if (first && p) return entryOf(credit, 'matched', { caseId: p.case_id, paymentId: p.id });
    const kp = p ?? otherPayments.get(credit.entryRef);
    const ku = u ?? otherListed.get(credit.entryRef);
    return entryOf(credit, 'duplicate', { caseId: kp?.case_id ?? ku?.case_id ?? null, paymentId: kp?.id ?? ku?.payment_id ?? null, unmatchedPaymentId: ku?.id ?? null });
  });
  return summaryOf(row, file.skipped, entries);
}

/** The payments and unmatched payments an import made (a payment matched by hand later belongs to its unmatched payment). */
async function madeBy(db: Q, row: PaymentFileRow): Promise<{ payments: PaymentRow[]; listed: UnmatchedPaymentRow[] }> {
  const listed = await db.selectFrom('unmatched_payments').selectAll().where('creditor_id', '=', row.creditor_id).where('payment_file_id', '=', row.id).orderBy('created_at').orderBy('id').execute();
  const byHand = new Set(listed.map((u) => u.bank_entry_ref));
  const payments = (
    await db.selectFrom('payments').selectAll().where('creditor_id', '=', row.creditor_id).where('payment_file_id', '=', row.id).orderBy('created_at').orderBy('id').execute()
  ).filter((p) => !byHand.has(p.bank_entry_ref!));
  return { payments, listed };
}

/** An import as recorded, without the file: its counts, its payments and its unmatched payments. */
export async function readPaymentFile(db: Q, creditorId: string, id: string): Promise<PaymentFileSummary | undefined> {
  const row = await db.selectFrom('payment_files').selectAll().where('creditor_id', '=', creditorId).where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const { payments, listed } = await madeBy(db, row);
  const entries: ImportedEntry[] = [
    ...payments.map((p) => ({
      entryRef: p.bank_entry_ref!,
      bookingDate: p.paid_on,
      amount: { amount: Number(p.amount_minor), currency: p.currency },
      reference: p.payer_reference,
      payerName: null,
      outcome: 'matched' as const,
      caseId: p.case_id,
      paymentId: p.id,
      unmatchedPaymentId: null,
      reason: null,
      detail: null,
    })),
    ...listed.map((u) => ({
      entryRef: u.bank_entry_ref,
      bookingDate: u.booked_on,
      amount: { amount: Number(u.amount_minor), currency: u.currency },
      reference: u.reference,
      payerName: u.payer_name,
      outcome: 'unmatched' as const,
      caseId: u.case_id,
      paymentId: u.payment_id,
      unmatchedPaymentId: u.id,
      reason: u.reason as UnmatchedReason,
      detail: null,
    })),
  ];
  return summaryOf(row, null, entries);
}

export async function listUnmatched(db: Q, creditorId: string, status: 'open' | 'matched', page: PageRequest) {
  let query = db.selectFrom('unmatched_payments').selectAll().where('creditor_id', '=', creditorId).where('status', '=', status);
  if (page.after) query = query.where(afterCursor(page.after));
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).execute();
  return splitPage(rows, page.limit);
}

export interface MatchResult {
  unmatched: UnmatchedPaymentRow;
  payment: PaymentRow;
  outstanding: { amountMinor: bigint; currency: string };
  closed: boolean;
  deadlines: DeadlineRow[];
}

/** Puts an unmatched credit on the case a person chose: the payment keeps the credit's bank reference, so it still counts once. */
export async function matchByHand(trx: Q, creditorId: string, id: string, caseId: string, actor: Actor, now: Date): Promise<MatchResult> {
  const row = await trx.selectFrom('unmatched_payments').selectAll().where('creditor_id', '=', creditorId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new HttpProblem('not-found', 'no such unmatched payment');
  if (row.status !== 'open') throw new HttpProblem('conflict', `the payment was already matched to case ${row.case_id}`, row.payment_id ? { existingId: row.payment_id } : {});
  const target = await cases.getCaseForUpdate(trx, creditorId, caseId);
  if (!target) throw new HttpProblem('not-found', 'no such case');
  if (target.currency !== row.currency) {
    throw new HttpProblem('unprocessable', `the payment is in ${row.currency} and the case in ${target.currency}`, { errors: [{ in: 'body', pointer: '/caseId', detail: `must be a case in ${row.currency}` }] });
  }
  const amountMinor = Number(row.amount_minor);
  const result = await recordPayment(
    trx,
    target,
    {
      amountMinor,
      currency: row.currency,
      paidOn: row.booked_on,
      method: 'bank_transfer',
      payerReference: clean(row.reference, 140),
      source: 'bank_file',
      bankEntryRef: row.bank_entry_ref,
      paymentFileId: row.payment_file_id,
    },
    actor,
    now,
  );
  const updated = await trx
    .updateTable('unmatched_payments')
    .set({ status: 'matched', case_id: target.id, payment_id: result.payment.id, matched_at: now })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { unmatched: updated, payment: result.payment, outstanding: result.outstanding, closed: result.closed, deadlines: result.deadlines };
}
