export * from './constants.js';
export * from './history.js';
export * from './keys.js';
export * from './runs.js';
export * from './schemas.js';
export * from './services.js';
export * from './snooze.js';
export * from './vocabulary.js';
