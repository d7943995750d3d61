import type { Kysely } from 'kysely';
import { debtors, outbox, type Database, type DebtorRow } from '@fordra/db';
import { event, normalizeIdentityNumber, type DebtorKind } from '@fordra/domain';
import type { CreditorAuth } from '../../http/auth.js';
import { HttpProblem } from '../../http/problems.js';
import { defaultLanguage, type DebtorInputT } from './schemas.js';

type Q = Kysely<Database>;

/** The identity number is checked by the scheme of the address country, else the creditor's. */
function identityNumberFor(input: { identityNumber?: string | null | undefined; kind: DebtorKind; country: string | null }, creditorCountry: string) {
  return normalizeIdentityNumber(input.identityNumber, input.kind, input.country ?? creditorCountry);
}

async function assertCustomerNumberFree(db: Q, creditorId: string, customerNumber: string | null | undefined, selfId?: string) {
  if (!customerNumber) return;
  const holder = await debtors.findDebtorByCustomerNumber(db, creditorId, customerNumber);
  if (holder && holder.id !== selfId) {
    throw new HttpProblem('conflict', `customer number ${customerNumber} already belongs to another debtor`, { existingId: holder.id });
  }
}

export async function createDebtor(db: Q, creditor: CreditorAuth, input: DebtorInputT, now: Date): Promise<DebtorRow> {
  const country = input.address?.country ?? null;
  const identityNumber = identityNumberFor({ identityNumber: input.identityNumber, kind: input.kind, country }, creditor.country);
  await assertCustomerNumberFree(db, creditor.creditorId, input.customerNumber);
  const row = await debtors.insertDebtor(db, {
    creditor_id: creditor.creditorId,
    kind: input.kind,
    name: input.name,
    identity_number: identityNumber,
    email: input.email ?? null,
    phone: input.phone ?? null,
    address_line1: input.address?.line1 ?? null,
    address_line2: input.address?.line2 ?? null,
    postal_code: input.address?.postalCode ?? null,
    city: input.address?.city ?? null,
    country,
    preferred_language: input.preferredLanguage ?? defaultLanguage(country ?? creditor.country),
    customer_number: input.customerNumber ?? null,
    created_at: now,
    updated_at: now,
  });
  await outbox.appendEvents(db, creditor.creditorId, [event('debtor.created', null, { debtorId: row.id, kind: row.kind })], now);
  return row;
}

export async function updateDebtor(
  db: Q,
  creditor: CreditorAuth,
  id: string,
  patch: Partial<DebtorInputT>,
  now: Date,
): Promise<DebtorRow | undefined> {
  const current = await debtors.getDebtorForUpdate(db, creditor.creditorId, id);
  if (!current) return undefined;
  if (current.erased_at) throw new HttpProblem('conflict', 'the debtor was erased: its personal data cannot be stored again');
  const kind = patch.kind ?? current.kind;
  const address = patch.address === undefined ? undefined : patch.address;
  const country = address === undefined ? current.country : (address?.country ?? null);
  // A changed kind or country may make the stored number invalid under the new scheme: recheck it.
  const identityInput = patch.identityNumber === undefined ? current.identity_number : patch.identityNumber;
  const identityNumber = identityNumberFor({ identityNumber: identityInput, kind, country }, creditor.country);
  if (patch.customerNumber !== undefined) await assertCustomerNumberFree(db, creditor.creditorId, patch.customerNumber, id);

  const changes = {
    ...(patch.kind !== undefined && { kind: patch.kind }),
    ...(patch.name !== undefined && { name: patch.name }),
    identity_number: identityNumber,
    ...(patch.email !== undefined && { email: patch.email }),
    ...(patch.phone !== undefined && { phone: patch.phone }),
    ...(address !== undefined && {
      address_line1: address?.line1 ?? null,
      address_line2: address?.line2 ?? null,
      postal_code: address?.postalCode ?? null,
      city: address?.city ?? null,
      country,
    }),
    ...(patch.preferredLanguage !== undefined && { preferred_language: patch.preferredLanguage }),
    ...(patch.customerNumber !== undefined && { customer_number: patch.customerNumber }),
    updated_at: now,
  };
  const row = await debtors.updateDebtor(db, creditor.creditorId, id, changes);
  const fields = Object.keys(patch);
  await outbox.appendEvents(db, creditor.creditorId, [event('debtor.updated', null, { debtorId: id, fields })], now);
  return row;
}
