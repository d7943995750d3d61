import { notifierEnv, parseEnv, prettyLogs } from '@fordra/config';
import { createDb } from '@fordra/db';
import { createRedis } from '@fordra/jobs';
import { checkConnections, closeOnSignals, createLogger, failStartup } from '@fordra/runtime';

/**
 * The notifier's shell: configuration, connections and a clean stop. Its channels (email,
 * letters, webhooks) plug in here as they are built.
 */
async function main(): Promise<void> {
  const config = parseEnv(notifierEnv, process.env);
  const logger = createLogger({ name: 'notifier', level: config.LOG_LEVEL, pretty: prettyLogs(config) });
  const db = createDb({ connectionString: config.DATABASE_URL, applicationName: 'fordra-notifier' });
  const redis = createRedis(config.REDIS_URL);
  await checkConnections(db, redis);
  closeOnSignals(logger, [async () => db.destroy(), async () => redis.quit()]);
  logger.info({ concurrency: config.NOTIFIER_CONCURRENCY }, 'notifier ready');
}

main().catch((err: unknown) => failStartup('notifier', err));
