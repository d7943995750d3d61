export * from './steps.js';
export * from './jurisdiction.js';
export * from './validate.js';
export * from './schedule.js';
export * from './default-policy.js';
