// @fermx/kernels — TensorFlow.js backends for training: choosing and starting one (initBackend),
// and the kernels fermx registers on wasm and webgpu (gradients stock tfjs lacks or gets wrong,
// fused batch norm, fused Adam). Test support lives in '@fermx/kernels/testing'.
export { initBackend, AUTO_ORDER } from './init-backend.js';
export { backendNames, type BackendName, type BackendChoice, type BackendInfo, type BackendProbes, type ProbeResult, type BackendLog } from './backend-info.js';
export { registerFermxWebgpuKernels, restoreStockWebgpuKernels } from './webgpu-kernels/index.js';
export { registerFermxWasmKernels } from './wasm-kernels/index.js';
export { trainingBatchNorm, BATCH_NORM_MOMENTS, BATCH_NORM_TRAINING_GRAD, type TrainingBatchNorm } from './batch-norm-kernels.js';
export { ADAM_UPDATE, type AdamUpdateAttrs } from './wasm-kernels/adam-update.js';
