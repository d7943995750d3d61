import { z } from 'zod';
import type { AgencyConnectorRow, AgencyUpdateRow, HandoverRow } from '@fordra/db';
import { asCurrency } from '@fordra/domain';
import { AmountMinor, Instant, iso, isoOrNull, LocalDateString, MoneySchema, Text } from '../../http/schemas.js';

const AgencyUrl = z
  .string()
  .max(2000)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL without credentials (send those as authHeader)')
  .describe("The agency's intake address; each hand-over is POSTed there as JSON.");

export const AgencyConnectorSchema = z
  .object({
    kind: z.enum(['folder', 'http']).describe('folder: the operator’s drop folder (the default); http: POSTed to the agency.'),
    agencyName: z.string().nullable(),
    url: z.string().nullable(),
    hasAuthHeader: z.boolean().describe('Whether credentials for the agency are stored; they are never returned.'),
    isDefault: z.boolean().describe('Nothing configured: hand-overs go to the default folder.'),
    updatedAt: Instant.nullable(),
  })
  .meta({ id: 'AgencyConnector' });

export const PutAgencyConnectorBody = z
  .object({
    kind: z.enum(['folder', 'http']),
    agencyName: Text(200).describe('The agency the cases go to, as the handler knows it.'),
    url: AgencyUrl.nullish().describe("Required for http: the agency's intake address."),
    authHeader: z
      .string()
      .trim()
      .min(1)
      .max(2000)
      .regex(/^[\x20-\x7e]+$/, 'printable ASCII on one line')
      .nullish()
      .describe('The whole Authorization header value the agency gave you (e.g. `Bearer …`). Write-only. Omitted: the stored one is kept; null: removed.'),
  })
  .superRefine((b, ctx) => {
    if (b.kind === 'http' && !b.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'an http connector needs the agency’s URL' });
    if (b.kind === 'folder' && b.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'only an http connector has a URL' });
    if (b.kind === 'folder' && b.authHeader) ctx.addIssue({ code: 'custom', path: ['authHeader'], message: 'only an http connector sends credentials' });
  })
  .meta({ id: 'AgencyConnectorSettings' });

export const DEFAULT_CONNECTOR = { kind: 'folder' as const, agencyName: null, url: null, hasAuthHeader: false, isDefault: true, updatedAt: null };

export function toConnector(row: AgencyConnectorRow | undefined): z.infer<typeof AgencyConnectorSchema> {
  if (!row) return DEFAULT_CONNECTOR;
  return { kind: row.kind, agencyName: row.agency_name, url: row.url, hasAuthHeader: row.auth_header !== null, isDefault: false, updatedAt: iso(row.updated_at) };
}

export const HandoverSchema = z
  .object({
    id: z.uuid(),
    caseId: z.uuid(),
    status: z.enum(['pending', 'delivered', 'failed', 'returned', 'closed']),
    connector: z.string().nullable().describe('The connector that delivered it (or last tried to).'),
    agencyReference: z.string().nullable().describe("The agency's own reference for the case."),
    attempts: z.number().int(),
    failureReason: z.string().nullable(),
    deliveredAt: Instant.nullable(),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .meta({ id: 'Handover' });

export function toHandover(h: HandoverRow): z.infer<typeof HandoverSchema> {
  return {
    id: h.id,
    caseId: h.case_id,
    status: h.status,
    connector: h.connector,
    agencyReference: h.agency_reference,
    attempts: h.attempts,
    failureReason: h.failure_reason,
    deliveredAt: isoOrNull(h.delivered_at),
    createdAt: iso(h.created_at),
    updatedAt: iso(h.updated_at),
  };
}

const UPDATE_KINDS = ['received', 'payment_collected', 'closed', 'returned'] as const;

export const AgencyUpdateBody = z
  .object({
    kind: z.enum(UPDATE_KINDS).describe('received: the agency took the case; payment_collected: money came in; closed: the agency is done; returned: the case comes back.'),
    agencyReference: Text(200).nullish().describe("The agency's own reference for the case."),
    amount: AmountMinor.optional().describe("payment_collected only, required: what was collected, in the case's currency."),
    paidOn: LocalDateString.optional().describe('payment_collected only, required: the day the debtor paid.'),
    note: Text(2000).nullish(),
  })
  .superRefine((b, ctx) => {
    const collected = b.kind === 'payment_collected';
    for (const field of ['amount', 'paidOn'] as const) {
      if (collected && b[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'required for payment_collected' });
      if (!collected && b[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'only payment_collected carries it' });
    }
  })
  .meta({ id: 'AgencyUpdateReport' });

export const AgencyUpdateSchema = z
  .object({
    id: z.uuid(),
    caseId: z.uuid(),
    handoverId: z.uuid().nullable(),
    kind: z.enum(UPDATE_KINDS),
    amount: MoneySchema.nullable(),
    paymentId: z.uuid().nullable().describe('payment_collected: the payment recorded on the case.'),
    agencyReference: z.string().nullable(),
    note: z.string().nullable(),
    reportedAt: Instant,
  })
  .meta({ id: 'AgencyUpdate' });

export function toAgencyUpdate(u: AgencyUpdateRow, currency: string): z.infer<typeof AgencyUpdateSchema> {
  return {
    id: u.id,
    caseId: u.case_id,
    handoverId: u.handover_id,
    kind: u.kind,
    amount: u.amount_minor === null ? null : { amount: Number(u.amount_minor), currency: asCurrency(currency) },
    paymentId: u.payment_id,
    agencyReference: u.agency_reference,
    note: u.note,
    reportedAt: iso(u.reported_at),
  };
}

export const RecordedAgencyUpdate = AgencyUpdateSchema.extend({
  caseStatus: z.enum(['verification', 'active', 'on_hold', 'escalated', 'closed']),
  closeReason: z.enum(['paid', 'withdrawn', 'written_off']).nullable(),
  outstanding: MoneySchema.describe('What is left on the case after the update.'),
  handover: HandoverSchema,
}).meta({ id: 'RecordedAgencyUpdate' });
