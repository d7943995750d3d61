import { parseEnv, prettyLogs, workerEnv } from '@fordra/config';
import { createDb } from '@fordra/db';
import { systemClock } from '@fordra/domain';
import { bullPrefix, createRedis } from '@fordra/jobs';
import { checkConnections, closeOnSignals, createLogger, failStartup } from '@fordra/runtime';
import { startHousekeeping } from './housekeeping/queue.js';

async function main(): Promise<void> {
  const config = parseEnv(workerEnv, process.env);
  const logger = createLogger({ name: 'worker', level: config.LOG_LEVEL, pretty: prettyLogs(config) });
  const db = createDb({ connectionString: config.DATABASE_URL, applicationName: 'fordra-worker' });
  const redis = createRedis(config.REDIS_URL);
  await checkConnections(db, redis);
  const housekeeping = await startHousekeeping({ db, clock: systemClock, logger, connection: redis, prefix: bullPrefix(config.REDIS_PREFIX) });
  closeOnSignals(logger, [async () => db.destroy(), async () => redis.quit(), () => housekeeping.close()]);
  logger.info({ concurrency: config.WORKER_CONCURRENCY }, 'worker ready');
}

main().catch((err: unknown) => failStartup('worker', err));
