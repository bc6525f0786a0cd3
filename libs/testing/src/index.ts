export { RedisServer, type RedisServerOptions } from './redis-server.js';
export { S3Server } from './s3-server.js';
export { freePort } from './free-port.js';
export { ensureBinary, findBinary, MissingRequirementError, REDIS_SERVER, CHROMIUM, type Requirement } from './debian-package.js';
export { sharedDataPath, SHARED_FER2013 } from './shared-data.js';
export { runCliCaptured } from './run-cli.js';
export { webgpuRuntimeProblem, VULKAN_LOADER, SWIFTSHADER_ICD } from './webgpu-runtime.js';
