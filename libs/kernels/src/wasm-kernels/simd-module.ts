import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { SIMD_LOOPS_WASM_BASE64 } from './simd-loops-wasm.js';

/**
 * A few SIMD loops, written in WebAssembly text (simd-loops.wat, assembled with wabt into
 * simd-loops-wasm.ts by `npm run wasm:assemble`) and instantiated on the tfjs wasm heap itself
 * (its exported memory), so they run on tensors in place. V8 does not vectorise JS loops; these
 * run the hot inner loops of our JS kernels 4 floats at a time. Addresses are byte offsets.
 */
export interface SimdLoops {
  /** acc[i] += a[i] · b[i] for i < n. */
  fmaRow(acc: number, a: number, b: number, n: number): void;
  /** Over `bytes` of channels-last rows of `channelBytes`: s1[c] += dy; s2[c] += dy · (x − mu[c]). Channels % 4 = 0. */
  bnSums(x: number, dy: number, mu: number, s1: number, s2: number, bytes: number, channelBytes: number): void;
  /** dst = src · factor[c] over channels-last rows of `channelBytes`. Channels % 4 = 0. */
  scaleRows(dst: number, src: number, factor: number, bytes: number, channelBytes: number): void;
  /** dst = src · a[c] + b[c] over channels-last rows of `channelBytes`. Channels % 4 = 0. */
  affineRows(dst: number, src: number, a: number, b: number, bytes: number, channelBytes: number): void;
  /** sums[c] += (src − mu[c])² over channels-last rows of `channelBytes`. Channels % 4 = 0. */
  centredSquares(src: number, mu: number, sums: number, bytes: number, channelBytes: number): void;
  /** sums[c] += Σ_{r < rows} (src[r, c] − mu[c])², 16 channels per pass held in registers. channelBytes % 64 = 0. */
  centredSquaresWide(src: number, mu: number, sums: number, rows: number, channelBytes: number): void;
  /**
   * dst = dy · a[c] + (x − mu[c]) · b[c] + k[c] over channels-last rows of `channelBytes`: the
   * training batch-norm input gradient as one affine pass. Channels % 4 = 0.
   */
  bnTrainingDx(dst: number, dy: number, x: number, a: number, mu: number, b: number, k: number, bytes: number, channelBytes: number): void;
  /** sums[c] += src over channels-last rows of `channelBytes`. Channels % 4 = 0. */
  columnSums(src: number, sums: number, bytes: number, channelBytes: number): void;
  /** sums[c] += Σ_{r < rows} src[r, c], 16 channels per pass held in registers. channelBytes % 64 = 0. */
  columnSumsWide(src: number, sums: number, rows: number, channelBytes: number): void;
  /** dst[cols, rows] = src[rows, cols]ᵀ in 4×4 blocks. rows % 4 = cols % 4 = 0. */
  transpose(src: number, dst: number, rows: number, cols: number): void;
  /**
   * One max-pool window, all channels: dx[tap] += dy where x[tap] = y (the window's max), only
   * at the first such tap in the order of the int32 byte offsets at `taps`. Channels % 4 = 0.
   */
  routeToMax(dx: number, x: number, y: number, dy: number, taps: number, tapCount: number, channelBytes: number): void;
  /**
   * acc[ci, co] += Σ_{p < pixels} x[p · xStride + ci] · dy[p, co] (x rows `xStride` bytes apart,
   * dy rows dense), in 4×8 register tiles. cin % 4 = 0, cout % 8 = 0. A filter gradient's inner loop.
   */
  outerAccumulate(acc: number, x: number, dy: number, pixels: number, xStride: number, cin: number, cout: number): void;
  /**
   * acc[c] += Σ_{p < pixels} x[p · xStride + c] · dy[p, c] for c < channels (dy rows dense), 16
   * channels per pass in registers. channels % 16 = 0. The depthwise filter gradient's inner loop.
   */
  diagonalAccumulate(acc: number, x: number, dy: number, pixels: number, xStride: number, channels: number): void;
  /** Copies `pixels` rows of `pixelBytes` (a multiple of 16) from dense src to dst rows `dstStride` bytes apart. */
  stridedCopy(dst: number, src: number, pixels: number, dstStride: number, pixelBytes: number): void;
  /** dx = x > 0 ? dy : 0 (TensorFlow's ReluGrad) over `bytes` (a multiple of 16). */
  reluGrad(dx: number, x: number, dy: number, bytes: number): void;
  /** dx = dy · (x · 2) (tfjs-core's Square gradient, same rounding) over `bytes` (a multiple of 16). */
  squareGrad(dx: number, x: number, dy: number, bytes: number): void;
  /**
   * One Adam step over n floats in the order and float32 rounding of the composed ops:
   * m = m·b1 + g·(1−b1) and v = v·b2 + g²·(1−b2) in place; wOut = w − m / (√v + ε) · stepSize.
   */
  adamUpdate(
    wOut: number,
    w: number,
    m: number,
    v: number,
    g: number,
    n: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    epsilon: number,
    stepSize: number,
  ): void;
}

/** Every loop simd-loops.wat exports, in its order (simd-loops.test.ts checks the module against it). */
export const SIMD_LOOP_NAMES = [
  'fmaRow',
  'bnSums',
  'scaleRows',
  'affineRows',
  'columnSums',
  'transpose',
  'routeToMax',
  'outerAccumulate',
  'diagonalAccumulate',
  'columnSumsWide',
  'stridedCopy',
  'reluGrad',
  'squareGrad',
  'adamUpdate',
  'centredSquares',
  'centredSquaresWide',
  'bnTrainingDx',
] as const satisfies readonly (keyof SimdLoops)[];

let compiled: WebAssembly.Module | undefined;
const instances = new WeakMap<WebAssembly.Memory, SimdLoops>();

/** The SIMD loops bound to this backend's heap (compiled once, instantiated once per heap). */
export function simdLoops(backend: BackendWasm): SimdLoops {
  const memory = (backend.wasm as unknown as { asm: { memory: WebAssembly.Memory } }).asm.memory;
  let loops = instances.get(memory);
  if (!loops) {
    compiled ??= new WebAssembly.Module(Uint8Array.from(atob(SIMD_LOOPS_WASM_BASE64), (c) => c.charCodeAt(0)));
    loops = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as SimdLoops;
    instances.set(memory, loops);
  }
  return loops;
}
