export * from './logger.js';
export * from './shutdown.js';
export * from './connections.js';
export * from './periodic.js';
export * from './metrics.js';
export * from './ops-server.js';
