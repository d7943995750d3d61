export * from './redis.js';
export * from './queues.js';
export * from './deadline-jobs.js';
export * from './agreement-jobs.js';
export * from './handover-jobs.js';
export * from './close-worker.js';
