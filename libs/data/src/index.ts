export * from './storage/storage.js';
export { openStorage, DEFAULT_STORAGE_URI } from './storage/open-storage.js';
export { FileStorage } from './storage/file-storage.js';
export { S3Storage, s3ClientConfig, MULTIPART_THRESHOLD } from './storage/s3-storage.js';
