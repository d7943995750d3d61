import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CreditorRow } from '@fordra/db';
import { ALLOCATION_PARTS, checkAllocationOrder, DomainError, isBic, normalizeBankgiro, normalizeIban, PAYMENT_REFERENCE_KINDS, type FieldIssue } from '@fordra/domain';
import { creditorOf } from '../../http/auth.js';
import { problemResponses } from '../../http/problems.js';
import { AmountMinor, Instant, iso, Text } from '../../http/schemas.js';
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
  paymentReferenceKind: z
    .enum(PAYMENT_REFERENCE_KINDS)
    .nullable()
    .describe(
      "The payment reference new cases get: `se_ocr` (Swedish OCR, Luhn check digit and length digit), `fi_reference` (Finnish reference number) or `rf` (RF creditor reference, ISO 11649); null: the usual one of the creditor's country (SE: se_ocr, FI: fi_reference, others: rf). Cases keep the reference they were given.",
    ),
  agreementGraceDays: z.number().int().min(0).max(30).describe('Days after a promised date before the payment is checked and the fallback runs.'),
  agreementChannel: z.enum(['email', 'letter']).describe('How agreement follow-ups go out unless the agreement says otherwise.'),
  revealFallbackAfterBroken: z
    .number()
    .int()
    .min(0)
    .max(10)
    .describe('The follow-up tells the debtor the fallback once the debtor has broken this many agreements before (1: from the second agreement on; 0: always).'),
  lateInterest: z
    .enum(['none', 'statutory'])
    .describe("Whether overdue invoices bear the statutory late-payment interest of the creditor's country (Sweden: Riksbank reference rate + 8 points; Finland: ECB + 7, + 8 between businesses). A case's contractual rate always applies."),
  allocationOrder: z
    .array(z.enum(ALLOCATION_PARTS))
    .length(3)
    .describe('The order payments settle a case\'s parts in; by default costs, then interest, then principal (oldest invoice first within each).'),
  instalmentPlanFee: AmountMinor.nullable().describe("The fee the creditor's terms set for an instalment plan, in minor units; capped by law (SE: 170 SEK); null: none."),
  personalDataRetentionDays: z
    .number()
    .int()
    .min(0)
    .max(3650)
    .describe("Days a debtor's personal data is kept after its last case closed; after that the debtor can be erased (`POST /v1/debtors/{id}/erase`). Default 730."),
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
    paymentReferenceKind: row.payment_reference_kind,
    agreementGraceDays: row.agreement_grace_days,
    agreementChannel: row.agreement_channel,
    revealFallbackAfterBroken: row.reveal_fallback_after_broken,
    instalmentPlanFee: row.instalment_plan_fee_minor === null ? null : Number(row.instalment_plan_fee_minor),
    lateInterest: row.late_interest,
    allocationOrder: row.allocation_order as (typeof ALLOCATION_PARTS)[number][],
    personalDataRetentionDays: row.personal_data_retention_days,
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

export const profileRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db, clock, forgetCreditor }) => {
  app.get(
    '/creditor',
    { schema: { summary: "The creditor's own profile: how it appears on messages and where debtors pay", tags: ['creditor'], response: { 200: Profile, ...problemResponses(401) } } },
    async (request) => toProfile(await db.selectFrom('creditors').selectAll().where('id', '=', creditorOf(request).creditorId).executeTakeFirstOrThrow()),
  );

  app.patch(
    '/creditor',
    { schema: { summary: "Change the creditor's profile", description: 'The settings that new cases take from the creditor (late interest, the payment reference kind) apply at once on the API instance that answers, and within five seconds on the others, which keep them with the verified API key that long.', tags: ['creditor'], body: ProfilePatch, response: { 200: Profile, ...problemResponses(400, 401, 422) } } },
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
          ...(p.paymentReferenceKind !== undefined && { payment_reference_kind: p.paymentReferenceKind }),
          ...(p.agreementGraceDays !== undefined && { agreement_grace_days: p.agreementGraceDays }),
          ...(p.agreementChannel !== undefined && { agreement_channel: p.agreementChannel }),
          ...(p.revealFallbackAfterBroken !== undefined && { reveal_fallback_after_broken: p.revealFallbackAfterBroken }),
          ...(p.instalmentPlanFee !== undefined && { instalment_plan_fee_minor: p.instalmentPlanFee }),
          ...(p.lateInterest !== undefined && { late_interest: p.lateInterest }),
          ...(p.allocationOrder !== undefined && { allocation_order: JSON.stringify(checkAllocationOrder(p.allocationOrder)) }),
          ...(p.personalDataRetentionDays !== undefined && { personal_data_retention_days: p.personalDataRetentionDays }),
          updated_at: clock.now(),
        })
        .where('id', '=', creditorOf(request).creditorId)
        .returningAll()
        .executeTakeFirstOrThrow();
      forgetCreditor(row.id);
      return toProfile(row);
    },
  );
};
