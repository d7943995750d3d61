import { z } from 'zod';
import type { WebhookEndpointRow } from '@fordra/db';
import { EVENT_TYPES } from '@fordra/domain';
import { Instant, iso, isoOrNull, Text } from '../../http/schemas.js';

export const MAX_OVERLAP_HOURS = 168;

const EventTypes = z
  .array(z.string().min(1).max(100))
  .max(EVENT_TYPES.length)
  .describe(`The event types to receive; empty: every type. Known types: ${EVENT_TYPES.join(', ')}. An unknown type answers 422.`);

const WebhookUrl = z
  .string()
  .min(1)
  .max(2000)
  .describe(
    'Where events are POSTed: http:// or https://, no credentials. Its host must resolve only to public addresses (no private, loopback, link-local, unique-local, CGNAT, multicast or cloud metadata address); the operator may allow named hosts (WEBHOOK_ALLOWED_HOSTS). Refused URLs answer 422 naming /url.',
  );

export const SecretInfoSchema = z
  .object({
    id: z.uuid(),
    createdAt: Instant,
    expiresAt: Instant.nullable().describe('During a rotation: when this older secret stops signing. Null: signs until the next rotation.'),
  })
  .meta({ id: 'WebhookSecretInfo' });

export const WebhookEndpointSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()).describe('Empty: every event type.'),
    enabled: z.boolean(),
    disabledReason: z.string().nullable().describe('Why the endpoint stopped receiving: by request, a 410 from the receiver, or failing for days.'),
    disabledAt: Instant.nullable(),
    failingSince: Instant.nullable().describe('The first failed attempt since the last success.'),
    secrets: z.array(SecretInfoSchema).describe('The secrets that sign now (never their values): two during a rotation’s overlap.'),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .meta({ id: 'WebhookEndpoint' });

export const CreatedWebhookEndpointSchema = WebhookEndpointSchema.extend({
  secret: z.string().describe('The signing secret (whsec_…), shown this once: store it now. Verify requests with any Standard Webhooks library.'),
}).meta({ id: 'CreatedWebhookEndpoint' });

export const CreateWebhookEndpointBody = z
  .object({
    url: WebhookUrl,
    eventTypes: EventTypes.default([]),
    description: Text(500).nullish(),
    enabled: z.boolean().default(true),
  })
  .meta({ id: 'CreateWebhookEndpoint' });

export const UpdateWebhookEndpointBody = z
  .object({
    url: WebhookUrl.optional(),
    eventTypes: EventTypes.optional(),
    description: Text(500).nullish(),
    enabled: z.boolean().optional().describe('false stops deliveries (they wait); true resumes them and clears the reason the endpoint was disabled.'),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'change at least one field')
  .meta({ id: 'UpdateWebhookEndpoint' });

export const RotateSecretBody = z
  .object({
    overlapHours: z
      .number()
      .min(0)
      .max(MAX_OVERLAP_HOURS)
      .default(24)
      .describe(`How long the current secrets keep signing next to the new one, at most ${MAX_OVERLAP_HOURS} hours; 0 retires them at once.`),
  })
  .meta({ id: 'RotateWebhookSecret' });

export const ReplayBody = z
  .union([
    z.strictObject({ deliveryId: z.uuid().describe('One delivery, from the attempts listing.') }),
    z.strictObject({
      from: Instant.describe('Replays the deliveries of events that occurred at or after this instant…'),
      to: Instant.describe('…and before this one.'),
    }),
  ])
  .meta({ id: 'ReplayWebhookDeliveries' });

export const ReplayResultSchema = z
  .object({
    replayed: z.number().int().describe('Deliveries set to be sent again now, with the same event id.'),
    inFlight: z.number().int().describe('Deliveries being sent at this moment, left as they are.'),
  })
  .meta({ id: 'WebhookReplay' });

export const AttemptSchema = z
  .object({
    id: z.string().describe('Opaque, increasing.'),
    deliveryId: z.uuid(),
    eventId: z.uuid().describe('The event sent (the webhook-id header): the same on every attempt.'),
    eventType: z.string(),
    attemptedAt: Instant,
    outcome: z.enum(['delivered', 'failed']),
    statusCode: z.number().int().nullable().describe('The receiver’s HTTP status; null when it never answered.'),
    error: z.string().nullable(),
    durationMs: z.number().int(),
  })
  .meta({ id: 'WebhookAttempt' });

export const TestEventSchema = z.object({ eventId: z.uuid().describe('The webhook.test event, sent only to this endpoint.') }).meta({ id: 'WebhookTestEvent' });

export interface SecretInfo {
  id: string;
  created_at: Date;
  expires_at: Date | null;
}

export function toEndpoint(e: WebhookEndpointRow, secrets: readonly SecretInfo[]): z.infer<typeof WebhookEndpointSchema> {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.event_types,
    enabled: e.enabled,
    disabledReason: e.disabled_reason,
    disabledAt: isoOrNull(e.disabled_at),
    failingSince: isoOrNull(e.failing_since),
    secrets: secrets.map((s) => ({ id: s.id, createdAt: iso(s.created_at), expiresAt: isoOrNull(s.expires_at) })),
    createdAt: iso(e.created_at),
    updatedAt: iso(e.updated_at),
  };
}
