import { z } from 'zod';

/**
 * The events integrators may subscribe to. Each type's data schema is the contract: fields may be
 * added, never removed or renamed. Event data carries ids and the facts that changed; integrators
 * read the rest through the API.
 */
const caseRef = { caseId: z.uuid() };

export const EVENT_SCHEMAS = {
  'debtor.created': z.object({ debtorId: z.uuid(), kind: z.enum(['business', 'consumer']) }),
  'debtor.updated': z.object({ debtorId: z.uuid(), fields: z.array(z.string()) }),
  'case.created': z.object({
    ...caseRef,
    debtorId: z.uuid(),
    status: z.string(),
    currency: z.string(),
    externalReference: z.string().nullable(),
    invoiceIds: z.array(z.uuid()),
  }),
  'case.updated': z.object({ ...caseRef, fields: z.array(z.string()) }),
  'invoice.added': z.object({
    ...caseRef,
    invoiceId: z.uuid(),
    number: z.string(),
    dueDate: z.string(),
    amount: z.number().int(),
    currency: z.string(),
  }),
  'invoice.document_uploaded': z.object({ ...caseRef, invoiceId: z.uuid(), sizeBytes: z.number().int(), sha256: z.string() }),
  'case.verified': z.object({ ...caseRef, status: z.string(), checklist: z.record(z.string(), z.unknown()).optional() }),
  'case.disputed': z.object({ ...caseRef, status: z.string(), complaint: z.string() }),
  'case.dispute_resolved': z.object({ ...caseRef, status: z.string(), resolution: z.string() }),
  'case.paused': z.object({ ...caseRef, status: z.string(), reason: z.string().nullable() }),
  'case.resumed': z.object({ ...caseRef, status: z.string() }),
  'case.escalated': z.object({ ...caseRef, status: z.string() }),
  'case.closed': z.object({ ...caseRef, status: z.string(), closeReason: z.enum(['paid', 'withdrawn', 'written_off']) }),
  'reminder.sent': z.object({ ...caseRef, notificationId: z.uuid(), template: z.string(), language: z.string() }),
  'letter.sent': z.object({ ...caseRef, notificationId: z.uuid(), template: z.string(), language: z.string(), pages: z.number().int() }),
  'notification.failed': z.object({
    ...caseRef,
    notificationId: z.uuid(),
    channel: z.enum(['email', 'letter']),
    reason: z.string(),
    fallbackNotificationId: z.uuid().nullable(),
  }),
  'task.created': z.object({ ...caseRef, taskId: z.uuid(), kind: z.enum(['call', 'meeting', 'verification', 'follow_up']), dueDate: z.string(), assignee: z.string().nullable() }),
  'task.completed': z.object({ ...caseRef, taskId: z.uuid(), contactId: z.uuid(), outcome: z.string(), nextStep: z.object({ action: z.string(), date: z.string() }) }),
  'contact.logged': z.object({
    ...caseRef,
    contactId: z.uuid(),
    channel: z.string(),
    direction: z.enum(['outbound', 'inbound']),
    reached: z.string(),
    outcome: z.string(),
    lateReason: z.string().nullable(),
    taskId: z.uuid().nullable(),
  }),
  'agreement.made': z.object({
    ...caseRef,
    agreementId: z.uuid(),
    kind: z.enum(['promise', 'instalment_plan']),
    amount: z.number().int(),
    currency: z.string(),
    followUpDate: z.string(),
    fallback: z.string(),
    replaces: z.uuid().nullable(),
  }),
  'agreement.confirmed': z.object({ ...caseRef, agreementId: z.uuid(), confirmedAt: z.string() }),
  'agreement.kept': z.object({ ...caseRef, agreementId: z.uuid() }),
  'agreement.broken': z.object({ ...caseRef, agreementId: z.uuid(), instalment: z.number().int(), dueDate: z.string(), fallback: z.string() }),
  'payment.received': z.object({ ...caseRef, paymentId: z.uuid(), amount: z.number().int(), currency: z.string(), paidOn: z.string(), outstanding: z.number().int(), source: z.enum(['api', 'agency', 'bank_file']) }),
  'case.handed_over': z.object({ ...caseRef, handoverId: z.uuid(), connector: z.string(), agencyReference: z.string().nullable() }),
  'debtor.delivery_block_recommended': z.object({ ...caseRef, debtorId: z.uuid(), step: z.string() }),
  'webhook_endpoint.disabled': z.object({ endpointId: z.uuid(), url: z.string(), reason: z.string() }),
  /** Sent on request (POST /v1/webhook-endpoints/{id}/test) to the one endpoint it names, whatever types it subscribes to. */
  'webhook.test': z.object({ endpointId: z.uuid() }),
  'agency.update_received': z.object({ ...caseRef, updateId: z.uuid(), kind: z.enum(['received', 'payment_collected', 'closed', 'returned']) }),
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]>;
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];

export interface DomainEvent<T extends EventType = EventType> {
  readonly type: T;
  readonly caseId: string | null;
  readonly data: EventData<T>;
}

/** Builds an event, refusing data that breaks its type's schema before it reaches the outbox. */
export function event<T extends EventType>(type: T, caseId: string | null, data: EventData<T>): DomainEvent<T> {
  const parsed = EVENT_SCHEMAS[type].parse(data) as EventData<T>;
  return { type, caseId, data: parsed };
}
