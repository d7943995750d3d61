import type { Kysely } from 'kysely';
import type { Database, WebhookDeliveryRow } from '@fordra/db';
import { nextWebhookDelay, toCloudEvent, type Clock } from '@fordra/domain';
import { sendWebhook, webhookHeaders } from '@fordra/webhooks';
import { afterFailure } from './endpoint-health.js';
import { webhookDuration, webhookOutcomes } from '../metrics.js';

export interface SendDeps {
  db: Kysely<Database>;
  clock: Clock;
  allowedHosts: string[];
  timeoutMs: number;
  /**
   * The webhook-timestamp: receivers compare it with their own clocks (Standard Webhooks allows
   * five minutes), so it is the real time even where the business clock is moved in tests.
   */
  signingClock: Clock;
  random?: () => number;
  onDisabled: (endpointId: string, reason: string) => Promise<void>;
}

/**
 * One try at one delivery: the event as a CloudEvent, signed with every active secret of the
 * endpoint, the same webhook-id (the event id) on every try. The outcome, the attempt record and
 * the endpoint's health are written together.
 */
export async function deliverOnce(deps: SendDeps, delivery: WebhookDeliveryRow): Promise<'delivered' | 'retry' | 'failed' | 'skipped'> {
  const { db, clock } = deps;
  const [event, endpoint, secrets] = await Promise.all([
    db.selectFrom('outbox').selectAll().where('id', '=', delivery.outbox_id).executeTakeFirstOrThrow(),
    db.selectFrom('webhook_endpoints').selectAll().where('id', '=', delivery.endpoint_id).executeTakeFirstOrThrow(),
    db
      .selectFrom('webhook_secrets')
      .select('secret')
      .where('endpoint_id', '=', delivery.endpoint_id)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', clock.now())]))
      .orderBy('created_at', 'desc')
      .execute(),
  ]);
  if (!endpoint.enabled || secrets.length === 0) {
    await db.updateTable('webhook_deliveries').set({ leased_until: null }).where('id', '=', delivery.id).execute();
    webhookOutcomes.inc({ outcome: 'skipped' });
    return 'skipped';
  }
  const body = JSON.stringify(
    toCloudEvent({ id: event.id, type: event.type, creditorId: event.creditor_id, caseId: event.case_id, occurredAt: event.occurred_at, data: event.data }),
  );
  const sentAt = clock.now();
  const headers = webhookHeaders({ secrets: secrets.map((s) => s.secret), messageId: event.id, timestamp: deps.signingClock.now(), body });
  const result = await sendWebhook({ url: endpoint.url, headers, body, timeoutMs: deps.timeoutMs, allowedHosts: deps.allowedHosts });
  const now = clock.now();
  const attempts = delivery.attempts + 1;
  let disabledReason: string | null = null;
  const state = await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_attempts')
      .values({
        delivery_id: delivery.id,
        endpoint_id: delivery.endpoint_id,
        creditor_id: delivery.creditor_id,
        attempted_at: sentAt,
        outcome: result.outcome,
        status_code: result.statusCode,
        error: result.error,
        duration_ms: result.durationMs,
      })
      .execute();
    if (result.outcome === 'delivered') {
      await trx
        .updateTable('webhook_deliveries')
        .set({ status: 'delivered', attempts, delivered_at: now, leased_until: null, last_status: result.statusCode, last_error: null })
        .where('id', '=', delivery.id)
        .execute();
      await trx.updateTable('webhook_endpoints').set({ failing_since: null }).where('id', '=', endpoint.id).where('failing_since', 'is not', null).execute();
      return 'delivered' as const;
    }
    const delay = nextWebhookDelay(attempts, (deps.random ?? Math.random)(), result.retryAfterMs);
    await trx
      .updateTable('webhook_deliveries')
      .set({
        status: delay === null ? 'failed' : 'pending',
        attempts,
        next_attempt_at: new Date(now.getTime() + (delay ?? 0)),
        leased_until: null,
        last_status: result.statusCode,
        last_error: result.error,
      })
      .where('id', '=', delivery.id)
      .execute();
    // The case's later events cannot go before this one: they wait with it, out of the senders' way.
    if (delay !== null && delivery.case_id !== null) {
      await trx
        .updateTable('webhook_deliveries')
        .set({ next_attempt_at: new Date(now.getTime() + delay) })
        .where('endpoint_id', '=', delivery.endpoint_id)
        .where('case_id', '=', delivery.case_id)
        .where('status', '=', 'pending')
        .where('position', '>', delivery.position)
        .where('next_attempt_at', '<', new Date(now.getTime() + delay))
        .execute();
    }
    disabledReason = await afterFailure(trx, endpoint, result.statusCode, now);
    return delay === null ? ('failed' as const) : ('retry' as const);
  });
  webhookOutcomes.inc({ outcome: state });
  webhookDuration.observe({ outcome: state }, result.durationMs / 1000);
  if (disabledReason) await deps.onDisabled(endpoint.id, disabledReason);
  return state;
}
