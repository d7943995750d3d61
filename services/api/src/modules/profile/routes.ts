import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CreditorRow } from '@fordra/db';
import { DomainError, isBic, normalizeBankgiro, normalizeIban, type FieldIssue } from '@fordra/domain';
import { creditorOf } from '../../http/auth.js';
import { problemResponses } from '../../http/problems.js';
import { Instant, iso, Text } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';

const fields = {
  senderName: Text(200).nullable().describe('The name debtors see as the sender; defaults to the creditor name.'),
  replyTo: z.email().nullable().describe('Where debtors’ replies to reminders go.'),
  contactEmail: z.email().nullable(),
  contactPhone: z.string().trim().regex(/^\+?[0-9 ()-]{5,30}$/, 'must be a phone number').nullable(),
  website: z.url().max(200).nullable(),
  addressLines: z.array(Text(200)).max(5).describe('The sender address printed on letters.'),
  organisationNumber: Text(40).nullable(),
  bankgiro: z.string().max(20).nullable().describe('Swedish bankgiro number, checked.'),
  iban: z.string().max(50).nullable().describe('Checked (ISO 13616).'),
  bic: z.string().max(11).nullable(),
};

const Profile = z.object({ id: z.uuid(), name: z.string(), country: z.string(), ...fields, updatedAt: Instant }).meta({ id: 'CreditorProfile' });
const ProfilePatch = z
  .object(fields)
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'name at least one field to change')
  .meta({ id: 'CreditorProfilePatch' });

function toProfile(row: CreditorRow) {
  return {
    id: row.id,
    name: row.name,
    country: row.country,
    senderName: row.sender_name,
    replyTo: row.reply_to,
    contactEmail: row.contact_email,
    contactPhone: row.contact_phone,
    website: row.website,
    addressLines: row.address_lines,
    organisationNumber: row.organisation_number,
    bankgiro: row.bankgiro,
    iban: row.iban,
    bic: row.bic,
    updatedAt: iso(row.updated_at),
  };
}

/** Payment details are printed on every letter: a wrong digit sends money astray, so they are checked. */
function checkedPaymentDetails(patch: z.infer<typeof ProfilePatch>) {
  const issues: FieldIssue[] = [];
  const out: { bankgiro?: string | null; iban?: string | null; bic?: string | null } = {};
  if (patch.bankgiro !== undefined) {
    out.bankgiro = patch.bankgiro === null ? null : normalizeBankgiro(patch.bankgiro);
    if (patch.bankgiro !== null && !out.bankgiro) issues.push({ path: 'bankgiro', message: 'not a valid bankgiro number' });
  }
  if (patch.iban !== undefined) {
    out.iban = patch.iban === null ? null : normalizeIban(patch.iban);
    if (patch.iban !== null && !out.iban) issues.push({ path: 'iban', message: 'not a valid IBAN (check digits)' });
  }
  if (patch.bic !== undefined) {
    out.bic = patch.bic === null ? null : patch.bic.trim().toUpperCase();
    if (patch.bic !== null && !isBic(patch.bic)) issues.push({ path: 'bic', message: 'not a valid BIC' });
  }
  if (issues.length) throw new DomainError('invalid_payment_details', 'the payment details are not valid', issues);
  return out;
}

export const profileRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db, clock }) => {
  app.get(
    '/creditor',
    { schema: { summary: "The creditor's own profile: how it appears on messages and where debtors pay", tags: ['creditor'], response: { 200: Profile, ...problemResponses(401) } } },
    async (request) => toProfile(await db.selectFrom('creditors').selectAll().where('id', '=', creditorOf(request).creditorId).executeTakeFirstOrThrow()),
  );

  app.patch(
    '/creditor',
    { schema: { summary: "Change the creditor's profile", tags: ['creditor'], body: ProfilePatch, response: { 200: Profile, ...problemResponses(400, 401, 422) } } },
    async (request) => {
      const p = request.body;
      const payment = checkedPaymentDetails(p);
      const row = await db
        .updateTable('creditors')
        .set({
          ...(p.senderName !== undefined && { sender_name: p.senderName }),
          ...(p.replyTo !== undefined && { reply_to: p.replyTo }),
          ...(p.contactEmail !== undefined && { contact_email: p.contactEmail }),
          ...(p.contactPhone !== undefined && { contact_phone: p.contactPhone }),
          ...(p.website !== undefined && { website: p.website }),
          ...(p.addressLines !== undefined && { address_lines: JSON.stringify(p.addressLines) }),
          ...(p.organisationNumber !== undefined && { organisation_number: p.organisationNumber }),
          ...payment,
          updated_at: clock.now(),
        })
        .where('id', '=', creditorOf(request).creditorId)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toProfile(row);
    },
  );
};
