import { z } from 'zod';
import { ACTOR_KINDS } from '@fordra/domain';
import type { ActivityRow } from '@fordra/db';
import { Instant, iso } from '../../http/schemas.js';

export const ActivitySchema = z
  .object({
    id: z.string().describe('Grows with every entry: later entries have larger ids.'),
    type: z.string().describe('What happened, e.g. case.created, invoice.added, invoice.document_uploaded.'),
    actor: z.object({ kind: z.enum(ACTOR_KINDS), id: z.string().nullable() }).describe('Who did it: an API key, the admin or Fordra itself.'),
    data: z.record(z.string(), z.unknown()),
    occurredAt: Instant,
  })
  .meta({ id: 'ActivityEntry' });

export function toActivity(row: ActivityRow) {
  return {
    id: row.id.toString(),
    type: row.type,
    actor: { kind: row.actor_kind, id: row.actor_id },
    data: (row.data ?? {}) as Record<string, unknown>,
    occurredAt: iso(row.occurred_at),
  };
}
