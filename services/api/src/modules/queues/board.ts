import type { FastifyPluginAsync } from 'fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Queue, type ConnectionOptions } from 'bullmq';
import { QUEUES, reportErrors } from '@fordra/jobs';
import type { Logger } from '@fordra/runtime';
import { adminAuthForBrowsers } from '../../http/auth.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

export interface QueueBoardOptions {
  adminToken: string;
  connection: ConnectionOptions;
  /** BullMQ's key prefix (`bullPrefix(REDIS_PREFIX)`); not `prefix`, which Fastify takes for a route prefix. */
  keyPrefix: string;
  /** Queue objects the API already holds, by name; the board opens its own for the others. */
  existing: Queue[];
  logger: Logger;
}

/**
 * The BullMQ dashboard (Bull Board) under `/admin/queues`, behind the admin token (bearer, or HTTP
 * Basic with the token as the password so that a browser can open it), outside the OpenAPI
 * document. Every queue is shown read-only: Postgres holds the truth and the reconcilers own the
 * jobs, so a job promoted, removed or retried by hand could run a step early or be recreated
 * behind the operator's back. The board is for looking: counts, delays, failures and their errors.
 */
export const queueBoard: FastifyPluginAsync<QueueBoardOptions> = async (scope, { adminToken, connection, keyPrefix, existing, logger }) => {
  const onError = (err: Error) => logger.warn({ err: err.message }, 'Redis connection error; BullMQ reconnects');
  const opened: Queue[] = [];
  const queues = Object.values(QUEUES).map((name) => {
    const held = existing.find((q) => q.name === name);
    if (held) return held;
    const queue = reportErrors(new Queue(name, { connection, prefix: keyPrefix }), onError);
    opened.push(queue);
    return queue;
  });
  scope.addHook('onClose', async () => {
    await Promise.all(opened.map((q) => q.close()));
  });

  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Fordra queues' } },
  });
  scope.addHook('onRequest', adminAuthForBrowsers(adminToken, 'Fordra queues'));
  // Hidden from the OpenAPI document, whatever the board's own routes declare.
  scope.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
};
