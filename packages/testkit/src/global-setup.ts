/**
 * Vitest global setup: finds a Postgres and a Redis for the whole run and builds the migrated
 * template database. In order of preference: TEST_DATABASE_URL / TEST_REDIS_URL, containers
 * when a Docker engine answers, then the local services on their standard ports.
 */
import type { TestProject } from 'vitest/node';
import type { StartedTestContainer } from 'testcontainers';
import { dockerEngineAnswers } from './engine.js';
import { prepareTemplate } from './template.js';

declare module 'vitest' {
  export interface ProvidedContext {
    fordraPostgresUrl: string;
    fordraTemplateDatabase: string;
    fordraRedisUrl: string;
  }
}

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = process.env;
  const started: StartedTestContainer[] = [];
  let postgresUrl = env.TEST_DATABASE_URL;
  let redisUrl = env.TEST_REDIS_URL;
  const useContainers = (!postgresUrl || !redisUrl) && env.TESTKIT_NO_CONTAINERS !== '1' && (await dockerEngineAnswers(env.DOCKER_HOST));

  if (!postgresUrl) {
    if (useContainers) {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:16-alpine').start();
      started.push(container);
      postgresUrl = container.getConnectionUri();
    } else {
      postgresUrl = LOCAL_POSTGRES;
    }
  }
  if (!redisUrl) {
    if (useContainers) {
      const { RedisContainer } = await import('@testcontainers/redis');
      const container = await new RedisContainer('redis:7-alpine').start();
      started.push(container);
      redisUrl = container.getConnectionUrl();
    } else {
      redisUrl = LOCAL_REDIS;
    }
  }

  const template = await prepareTemplate(postgresUrl);
  project.provide('fordraPostgresUrl', postgresUrl);
  project.provide('fordraTemplateDatabase', template);
  project.provide('fordraRedisUrl', redisUrl);

  return async () => {
    await Promise.all(started.map((c) => c.stop()));
  };
}
