export * from './test-functions.js';
