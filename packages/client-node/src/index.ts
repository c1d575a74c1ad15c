// Everything of the runtime-neutral client (`./core`), with the Node.js WatchtowerClient,
// which reads its settings from the environment, in place of the core one.
export * from './core.js';
export { WatchtowerClient, type WatchtowerOptions } from './client.js';
