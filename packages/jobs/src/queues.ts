/** Queue names, in one place so a producer and its consumer can never disagree. */
export const QUEUES = {
  /** Periodic upkeep: expired idempotency keys and the like. */
  housekeeping: 'housekeeping',
  /** Policy steps falling due; one job per deadline row. */
  deadlines: 'deadlines',
  /** Messages handed to the notifier; one job per notification row. */
  notifications: 'notifications',
  /** Agreement checks: one job per promised payment's check and per agreed follow-up. */
  agreements: 'agreements',
  /** Cases handed over to a collection agency; one job per hand-over row. */
  handovers: 'handovers',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** BullMQ's key prefix for an installation: every key it writes begins with it. */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}:bull`;
}

/**
 * BullMQ queues and workers emit 'error' when a Redis connection drops (a restart, a failover,
 * a shutdown under way); with no listener Node treats that as a crash. They reconnect by
 * themselves, so the error is worth a log line and no more.
 */
export function reportErrors<T extends { on(event: 'error', listener: (err: Error) => void): unknown }>(
  emitter: T,
  log: (err: Error) => void,
): T {
  emitter.on('error', log);
  return emitter;
}
