import { apiEnv, opsPort, parseEnv, prettyLogs } from '@fordra/config';
import { createDb, migrationsCurrent } from '@fordra/db';
import { systemClock } from '@fordra/domain';
import { createRedis } from '@fordra/jobs';
import { closeOnSignals, createLogger, createMetricsRegistry, failStartup, readinessChecks, startOpsServer } from '@fordra/runtime';
import { buildApp } from './app.js';

async function main(): Promise<void> {
  const config = parseEnv(apiEnv, process.env);
  const logger = createLogger({ name: 'api', level: config.LOG_LEVEL, pretty: prettyLogs(config) });
  const db = createDb({ connectionString: config.DATABASE_URL, applicationName: 'fordra-api', onIdleError: (err) => logger.warn({ err }, 'Postgres closed an idle connection') });
  const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 3 });
  const metrics = createMetricsRegistry('api');
  const app = await buildApp({ db, redis, clock: systemClock, config, logger, metrics });
  // Health and metrics for orchestrators and Prometheus, unauthenticated, on a port of their own.
  const ops = await startOpsServer({ port: opsPort(config, 'api'), host: config.HOST, ready: () => readinessChecks({ db, redis, migrationsCurrent }), metrics, logger });
  closeOnSignals(logger, [async () => db.destroy(), async () => redis.quit(), () => ops.close(), async () => app.close()]);
  await app.listen({ port: config.PORT, host: config.HOST });
  if (config.adminTokenIsDefault) {
    logger.warn(`ADMIN_TOKEN is not set: the development admin token "${config.ADMIN_TOKEN}" is in use`);
  }
  logger.info(`docs at http://localhost:${config.PORT}/docs`);
}

main().catch((err: unknown) => failStartup('api', err));
