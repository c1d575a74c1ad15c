export * from './databases.js';
export * from './fake-providers.js';
export * from './server-process.js';
export * from './tcp-proxy.js';
