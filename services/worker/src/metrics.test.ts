import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@fordra/domain';
import { bullPrefix, QUEUES } from '@fordra/jobs';
import { createMetricsRegistry } from '@fordra/runtime';
import { metricSample, openTestCase, useTestDatabase, useTestRedis, verifyTestCase } from '@fordra/testkit';
import { registerWorkerMetrics } from './metrics.js';

const database = useTestDatabase();
const redis = useTestRedis();
const clock = new ManualClock('2026-11-24T08:00:00Z');
let queue: Queue | undefined;

afterAll(async () => {
  await queue?.close();
});

describe('worker metrics', () => {
  it('count deadlines due and late, the outbox lag and the queue depth, read on each scrape', async () => {
    queue = new Queue(QUEUES.deadlines, { connection: redis.redis, prefix: bullPrefix(redis.prefix) });
    const registry = createMetricsRegistry('worker');
    registerWorkerMetrics(registry, { db: database.db, clock, queues: [queue], workers: [] });
    const scrape = () => registry.metrics();

    let text = await scrape();
    expect(metricSample(text, 'fordra_deadlines_due')).toBe(0);
    expect(metricSample(text, 'fordra_deadlines_late')).toBe(0);
    expect(metricSample(text, 'fordra_outbox_lag_seconds')).toBe(0);
    expect(metricSample(text, 'fordra_queue_jobs', { queue: 'deadlines', state: 'delayed' })).toBe(0);

    // The first step is long overdue and falls due now; the second comes half an hour later.
    const { creditor, caseId } = await openTestCase(database.db, {
      now: clock.now(),
      country: 'GB',
      timeZone: 'UTC',
      dueDate: '2026-09-30',
      steps: [
        { key: 'email', after: 'PT1S', from: 'due_date', action: 'email_reminder' },
        { key: 'letter', after: 'PT30M', action: 'letter_reminder' },
      ],
    });
    const planned = await verifyTestCase(database.db, creditor.id, caseId, clock.now());
    expect(planned.map((d) => new Date(d.due_at).getTime() - clock.now().getTime())).toEqual([0, 30 * 60_000]);
    await queue.add('step', { deadlineId: planned[1]!.id }, { delay: 60_000, jobId: 'metrics-test' });

    text = await scrape();
    expect(metricSample(text, 'fordra_deadlines_due')).toBe(1);
    expect(metricSample(text, 'fordra_deadlines_late')).toBe(0);
    expect(metricSample(text, 'fordra_outbox_unpublished')).toBeGreaterThan(0);
    expect(metricSample(text, 'fordra_queue_jobs', { queue: 'deadlines', state: 'delayed', service: 'worker' })).toBe(1);

    clock.advance(10 * 60_000);
    text = await scrape();
    expect(metricSample(text, 'fordra_deadlines_due')).toBe(1);
    expect(metricSample(text, 'fordra_deadlines_late')).toBe(1);
    // The case's events were written at the start and nothing has published them.
    expect(metricSample(text, 'fordra_outbox_lag_seconds')).toBe(600);

    clock.advance(40 * 60_000);
    await database.db.updateTable('outbox').set({ published_at: clock.now() }).execute();
    text = await scrape();
    expect(metricSample(text, 'fordra_deadlines_due')).toBe(2);
    expect(metricSample(text, 'fordra_deadlines_late')).toBe(2);
    expect(metricSample(text, 'fordra_outbox_lag_seconds')).toBe(0);
    expect(metricSample(text, 'fordra_outbox_unpublished')).toBe(0);
  });
});
