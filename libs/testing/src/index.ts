// The local redis-server and Debian packages are shared with the demo (production): they live in @fermx/cli.
export { RedisServer, type RedisServerOptions, freePort, ensureBinary, findBinary, MissingRequirementError, REDIS_SERVER, type Requirement } from '@fermx/cli';
export { S3Server } from './s3-server.js';
export { CHROMIUM, launchChromium, type ChromiumOptions, type ChromiumSession } from './chromium.js';
export { FFMPEG, fakeCameraVideo, fakeCameraArgs, type FakeCameraOptions } from './fake-camera.js';
export { runFermx, FERMX_BIN, REPO_ROOT } from './fermx-cli.js';
export { startFermxServe, type FermxServe, type FermxServeOptions } from './serve-process.js';
export { sharedDataPath, SHARED_FER2013 } from './shared-data.js';
export { runCliCaptured } from './run-cli.js';
export { webgpuRuntimeProblem, VULKAN_LOADER, SWIFTSHADER_ICD } from './webgpu-runtime.js';
export { describeRequiring, itRequiring, prerequisiteOutcome, isCi, MissingPrerequisiteError, type PrerequisiteOptions } from './prerequisite.js';
export { undoAll } from './undo-all.js';
export { syntheticWorkerArgs, SYNTHETIC_WORKER_ENTRY } from './synthetic-worker.js';
