// '@fermx/kernels/testing' — test support only (never imported by production code): the same
// computation on `cpu` (the reference) and on the backend under test, compared by relative error.
export { onBackend, randomValues, relativeError, worstErrorOn, kernelsRunBy, type Computation, type Values } from './kernel-reference.js';
export { wasmWithFermxKernels } from './wasm-reference.js';
export { activateWebgpu } from './webgpu-reference.js';
export { assembleWat, shippedWasmModule, wasmBytes } from './wat.js';
