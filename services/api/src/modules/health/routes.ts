import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sql } from 'kysely';
import type { Redis } from 'ioredis';
import { migrationsCurrent, type Db } from '@fordra/db';

const Readiness = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.object({ postgres: z.boolean(), migrations: z.boolean(), redis: z.boolean() }),
});

async function settle(check: () => Promise<boolean>): Promise<boolean> {
  try {
    return await check();
  } catch {
    return false;
  }
}

export const healthRoutes: FastifyPluginAsyncZod<{ db: Db; redis: Redis }> = async (app, { db, redis }) => {
  app.get(
    '/health/live',
    { schema: { summary: 'The process is up', tags: ['health'], security: [], response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/health/ready',
    {
      schema: {
        summary: 'Postgres and Redis answer and the database schema is current',
        tags: ['health'],
        security: [],
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      const [postgres, migrations, redisOk] = await Promise.all([
        settle(async () => (await sql`SELECT 1`.execute(db), true)),
        settle(() => migrationsCurrent(db)),
        settle(async () => (await redis.ping()) === 'PONG'),
      ]);
      const ok = postgres && migrations && redisOk;
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: { postgres, migrations, redis: redisOk } });
    },
  );
};
