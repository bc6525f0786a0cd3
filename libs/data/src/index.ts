export * from './storage/storage.js';
