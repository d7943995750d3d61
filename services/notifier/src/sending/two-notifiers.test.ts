import { describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { bullPrefix, enqueueNotifications, QUEUES } from '@fordra/jobs';
import { openTestCase, pollUntil } from '@fordra/testkit';
import { useRunningNotifier } from '../test/running-notifier.js';

const notifier = useRunningNotifier({ start: '2026-10-29T12:00:00Z', instances: 2 });
const { database, clock, smtp, redis } = notifier;

describe('two notifiers on one queue', () => {
  it('send each reminder once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { creditor, caseId } = await openTestCase(database.db, { now: clock.now(), dueDate: '2026-10-20', debtor: { email: `ap${i}@kund.example` } });
      const row = await database.db
        .insertInto('notifications')
        .values({
          creditor_id: creditor.id,
          case_id: caseId,
          deadline_id: null,
          idempotency_key: `two-notifiers-${caseId}`,
          channel: 'email',
          template: 'friendly_reminder',
          language: 'en',
          recipient: JSON.stringify({ name: 'Customer', email: `ap${i}@kund.example` }),
          status: 'queued',
          created_at: clock.now(),
          updated_at: clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(row.id);
    }
    // Every job handed over twice, as a retry or a second producer would.
    const queue = new Queue(QUEUES.notifications, { connection: redis.redis, prefix: bullPrefix(redis.prefix) });
    await enqueueNotifications(queue, ids);
    await enqueueNotifications(queue, ids);
    await queue.close();

    await pollUntil(async () => {
      const rows = await database.db.selectFrom('notifications').select('status').where('id', 'in', ids).execute();
      return rows.every((r) => r.status === 'sent') ? true : undefined;
    }, { what: 'all 20 reminders to be sent', timeoutMs: 20_000 });
    for (const id of ids) expect(smtp.received.filter((m) => m.messageId === `<notification-${id}@acme.example>`)).toHaveLength(1);
    const attempts = await database.db.selectFrom('notification_attempts').select('notification_id').where('notification_id', 'in', ids).execute();
    expect(attempts).toHaveLength(20);
  });
});
