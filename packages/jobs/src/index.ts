export * from './redis.js';
export * from './queues.js';
export * from './deadline-jobs.js';
