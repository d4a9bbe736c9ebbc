/** The `deploy` framework scheduler: pure decisions (state-machine) and the loop that runs them. */
export * from './adoption.js';
export * from './backoff.js';
export * from './config.js';
export * from './controller.js';
export * from './framework-info.js';
export * from './ledger.js';
export * from './offer-matching.js';
export * from './state-machine.js';
export * from './task-info.js';
