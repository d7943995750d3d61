export * from './database.js';
export * from './redis.js';
export * from './poll.js';
export * from './process.js';
export * from './fixtures.js';
export * from './metrics.js';
export * from './row-lock.js';
