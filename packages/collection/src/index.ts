export * from './policy.js';
export * from './schedule.js';
export * from './transition.js';
export * from './run-step.js';
export * from './outstanding.js';
export * from './move-policy.js';
export * from './message-context.js';
export * from './recipient.js';
