import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayOutbox } from '@fordra/collection';
import { creditors, outbox } from '@fordra/db';
import { event, ManualClock } from '@fordra/domain';
import { createLogger } from '@fordra/runtime';
import { pollUntil, useTestDatabase } from '@fordra/testkit';
import { newSecret } from '@fordra/webhooks';
import { smtpMailer } from '../email/mailer.js';
import { SmtpSink } from '../test/smtp-sink.js';
import { WebhookReceiver } from '../test/webhook-receiver.js';
import { startWebhookSender } from './sender.js';

const database = useTestDatabase();
const db = () => database.db;
const clock = new ManualClock('2026-11-24T10:00:00Z');
const receiver = new WebhookReceiver();
const smtp = new SmtpSink();
let stop: () => Promise<void>;

beforeAll(async () => {
  await receiver.start();
  await smtp.start();
  const mailer = smtpMailer(smtp.url);
  const sender = startWebhookSender({
    db: db(),
    clock,
    logger: createLogger({ name: 'webhooks-test', level: 'silent', pretty: false }),
    mailer,
    mailFrom: 'events@fordra.example',
    allowedHosts: ['127.0.0.1'],
    timeoutMs: 2_000,
    concurrency: 10,
    intervalMs: 20,
  });
  stop = async () => {
    await sender.stop();
    mailer.close();
  };
});

afterAll(async () => {
  await stop();
  await receiver.stop();
  await smtp.stop();
});

/** A creditor with one endpoint at the receiver, signed with a fresh secret the receiver knows. */
async function endpointAtReceiver(eventTypes: string[] = []) {
  const creditor = await creditors.insertCreditor(db(), { name: 'Acme AB', country: 'SE', defaultCurrency: 'SEK', timeZone: 'Europe/Stockholm' }, clock.now());
  await db().updateTable('creditors').set({ contact_email: 'it@acme.example' }).where('id', '=', creditor.id).execute();
  const endpoint = await db()
    .insertInto('webhook_endpoints')
    .values({ creditor_id: creditor.id, url: receiver.url, event_types: eventTypes, created_at: clock.now(), updated_at: clock.now() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const secret = newSecret();
  await db().insertInto('webhook_secrets').values({ endpoint_id: endpoint.id, secret, created_at: clock.now() }).execute();
  receiver.secrets = [secret];
  receiver.answer = { status: 204 };
  return { creditorId: creditor.id, endpointId: endpoint.id, secret };
}

/** Events of one case, each in its own transaction, as case changes write them. */
async function caseEvents(creditorId: string, caseId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(...(await outbox.appendEvents(db(), creditorId, [event('case.updated', caseId, { caseId, fields: [`field${i}`] })], clock.now())));
  }
  return ids;
}

const receivedOf = (ids: string[]) => receiver.received.filter((r) => ids.includes(r.id));
const allDelivered = (endpointId: string, count: number) =>
  pollUntil(async () => {
    const rows = await deliveriesOf(endpointId);
    return rows.length === count && rows.every((d) => d.status === 'delivered') ? rows : undefined;
  }, { what: `${count} deliveries recorded as delivered` });
const deliveriesOf = (endpointId: string) => db().selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).orderBy('position').execute();

describe('webhook delivery', () => {
  it('delivers each event once, signed, and after an outage everything arrives, each case in order', async () => {
    const { creditorId, endpointId } = await endpointAtReceiver();
    receiver.answer = { status: 503 };
    const [caseA, caseB] = [randomUUID(), randomUUID()];
    const a = await caseEvents(creditorId, caseA, 3);
    const b = await caseEvents(creditorId, caseB, 2);
    await relayOutbox(db(), clock, 500);

    // Down: the first event of each case is tried; the later ones wait behind it.
    await pollUntil(async () => {
      const rows = await deliveriesOf(endpointId);
      return rows.filter((d) => d.attempts > 0).length === 2 ? rows : undefined;
    }, { what: 'the first tries' });
    const tried = (await deliveriesOf(endpointId)).filter((d) => d.attempts > 0).map((d) => d.outbox_id);
    expect(tried.sort()).toEqual([a[0], b[0]].sort());

    // Back up: the retry comes after 5 s (± 20 %) and everything follows in order.
    receiver.answer = { status: 204 };
    clock.advance(6_000);
    await pollUntil(async () => (receivedOf([...a, ...b]).length === 5 ? true : undefined), { what: 'all five events' });
    expect(receivedOf(a).map((r) => r.id)).toEqual(a);
    expect(receivedOf(b).map((r) => r.id)).toEqual(b);
    expect(receivedOf([...a, ...b]).every((r) => r.type === 'case.updated' && r.verifiedWith.length === 1)).toBe(true);
    // The receiver has each request before the sender records its answer: wait for the records.
    await allDelivered(endpointId, 5);
    const attempts = await db().selectFrom('webhook_attempts').select(['outcome', 'status_code']).where('endpoint_id', '=', endpointId).execute();
    expect(attempts.filter((x) => x.outcome === 'failed').map((x) => x.status_code)).toEqual([503, 503]);
    expect(attempts.filter((x) => x.outcome === 'delivered')).toHaveLength(5);
  });

  it('sends only the event types an endpoint wants', async () => {
    const { creditorId, endpointId } = await endpointAtReceiver(['case.closed']);
    const caseId = randomUUID();
    await caseEvents(creditorId, caseId, 2);
    const [closed] = await outbox.appendEvents(db(), creditorId, [event('case.closed', caseId, { caseId, status: 'closed', closeReason: 'paid' })], clock.now());
    await relayOutbox(db(), clock, 500);
    await pollUntil(async () => (receivedOf([closed!]).length === 1 ? true : undefined), { what: 'the case.closed event' });
    expect((await deliveriesOf(endpointId)).map((d) => d.outbox_id)).toEqual([closed]);
  });

  it('disables an endpoint that answers 410 Gone, and tells the creditor by event and email', async () => {
    const { creditorId, endpointId } = await endpointAtReceiver();
    receiver.answer = { status: 410 };
    await caseEvents(creditorId, randomUUID(), 1);
    await relayOutbox(db(), clock, 500);
    const endpoint = await pollUntil(async () => {
      const row = await db().selectFrom('webhook_endpoints').selectAll().where('id', '=', endpointId).executeTakeFirstOrThrow();
      return row.enabled ? undefined : row;
    }, { what: 'the endpoint to be disabled' });
    expect(endpoint.disabled_reason).toMatch(/410/);
    const disabled = await db().selectFrom('outbox').select('data').where('creditor_id', '=', creditorId).where('type', '=', 'webhook_endpoint.disabled').executeTakeFirstOrThrow();
    expect(disabled.data).toMatchObject({ endpointId, url: receiver.url });
    const mail = await pollUntil(async () => smtp.received.find((m) => m.headers.get('x-fordra-webhook-endpoint-id') === endpointId), { what: 'the email to the creditor' });
    expect(mail.to).toMatchObject({ value: [{ address: 'it@acme.example' }] });
    expect(mail.text).toContain('410 Gone');
  });

  it('signs with both secrets during a rotation’s overlap, and with the new one only after it', async () => {
    const { creditorId, endpointId, secret: old } = await endpointAtReceiver();
    const fresh = newSecret();
    await db().insertInto('webhook_secrets').values({ endpoint_id: endpointId, secret: fresh, created_at: clock.now() }).execute();
    await db().updateTable('webhook_secrets').set({ expires_at: new Date(clock.now().getTime() + 3_600_000) }).where('secret', '=', old).execute();

    receiver.secrets = [old, fresh];
    const during = await caseEvents(creditorId, randomUUID(), 1);
    await relayOutbox(db(), clock, 500);
    const [got] = await pollUntil(async () => (receivedOf(during).length ? receivedOf(during) : undefined), { what: 'the event during the overlap' });
    expect(got!.verifiedWith.sort()).toEqual([old, fresh].sort());

    clock.advance(3_600_001);
    const after = await caseEvents(creditorId, randomUUID(), 1);
    await relayOutbox(db(), clock, 500);
    const [late] = await pollUntil(async () => (receivedOf(after).length ? receivedOf(after) : undefined), { what: 'the event after the overlap' });
    expect(late!.verifiedWith).toEqual([fresh]);
  });

  it('loses nothing with 100 concurrent writers and two relays', async () => {
    const { creditorId, endpointId } = await endpointAtReceiver();
    let writing = true;
    // Two relays side by side, while the writers write and until the outbox is drained.
    const relay = async () => {
      for (;;) {
        const pass = await relayOutbox(db(), clock, 50);
        if (!writing && pass.published === 0) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const relays = [relay(), relay()];
    const written = (
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          db()
            .transaction()
            .execute((trx) => outbox.appendEvents(trx, creditorId, [event('case.updated', randomUUID(), { caseId: randomUUID(), fields: [`w${i}`] })], clock.now())),
        ),
      )
    ).flat();
    writing = false;
    await Promise.all(relays);
    await pollUntil(async () => (receivedOf(written).length >= written.length ? true : undefined), { what: 'all 100 events', timeoutMs: 30_000 });
    const got = receivedOf(written).map((r) => r.id);
    expect(new Set(got).size).toBe(100);
    expect(got).toHaveLength(100);
    const positions = await db().selectFrom('outbox').select('position').where('id', 'in', written).execute();
    expect(positions.every((p) => p.position !== null)).toBe(true);
    expect(new Set(positions.map((p) => String(p.position))).size).toBe(100);
    await allDelivered(endpointId, 100);
  });
});
