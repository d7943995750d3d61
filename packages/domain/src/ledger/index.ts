export * from './interest.js';
export * from './ledger.js';
