import type { Kysely } from 'kysely';
import { paymentReferences, run, type Database, type Statement } from '@fordra/db';
import { explainInvalidReference, makeReference, normalizeReference, referenceKindFor, type PaymentReferenceKind } from '@fordra/domain';

type Q = Kysely<Database>;

export type PaymentReferenceChoice =
  | { ok: true; kind: PaymentReferenceKind; reference: string }
  /** The given reference is not one of the creditor's kind. */
  | { ok: false; kind: PaymentReferenceKind; problem: 'invalid'; detail: string }
  /** Another case of the creditor already has it. */
  | { ok: false; kind: PaymentReferenceKind; problem: 'taken'; detail: string; existingId: string };

/** How many sequence values to try before giving up on finding a free reference (one is the rule). */
const MAX_DRAWS = 5;

/** The kind of payment reference the creditor's cases carry: its setting, else its country's usual one. */
export async function paymentReferenceKindOf(db: Q, creditorId: string): Promise<PaymentReferenceKind> {
  const setting = await paymentReferences.getReferenceSetting(db, creditorId);
  if (!setting) throw new Error(`no creditor ${creditorId}`);
  return referenceKindFor(setting.country, setting.payment_reference_kind);
}

/**
 * The payment reference of a new case, in the caller's transaction: the integrator's own when
 * given (checked against the creditor's kind and unused by its other cases), else a new one of
 * the creditor's kind built from the next value of the reference sequence (OCR with its length
 * digit). A made reference that an integrator happened to give another case already is skipped.
 *
 * In two steps, so that the first look-up can go to Postgres with the caller's other checks:
 * `first` (none when the given reference is malformed), then `finish` with its answer.
 */
export function planPaymentReference(db: Q, creditorId: string, kind: PaymentReferenceKind, given?: string | null): { first: Statement<unknown> | null; finish: (answer: unknown) => Promise<PaymentReferenceChoice> } {
  if (given !== undefined && given !== null) {
    const reference = normalizeReference(kind, given);
    if (reference === null) return { first: null, finish: async () => ({ ok: false, kind, problem: 'invalid', detail: explainInvalidReference(kind, given)! }) };
    return {
      first: paymentReferences.paymentReferenceHolder(db, creditorId, reference),
      finish: async (holder) => {
        const taken = holder as { id: string } | undefined;
        if (taken) return { ok: false, kind, problem: 'taken', detail: `payment reference ${reference} is already used by another case`, existingId: taken.id };
        return { ok: true, kind, reference };
      },
    };
  }
  return {
    first: paymentReferences.nextBaseDraw,
    finish: async (firstBase) => {
      let base = firstBase as string;
      for (let draw = 1; ; draw++) {
        const reference = makeReference(kind, base, { ocrLengthDigit: true });
        if (!(await paymentReferences.findCaseByPaymentReference(db, creditorId, reference))) return { ok: true, kind, reference };
        if (draw === MAX_DRAWS) throw new Error(`no free payment reference for creditor ${creditorId} after ${MAX_DRAWS} draws`);
        base = await paymentReferences.nextReferenceBase(db);
      }
    },
  };
}

/** The same choice in one go. A caller that already knows the creditor's kind (the API caches it with the key) passes it. */
export async function choosePaymentReference(db: Q, creditorId: string, given?: string | null, knownKind?: PaymentReferenceKind): Promise<PaymentReferenceChoice> {
  const plan = planPaymentReference(db, creditorId, knownKind ?? (await paymentReferenceKindOf(db, creditorId)), given);
  return plan.finish(plan.first ? await run(db, plan.first) : undefined);
}
