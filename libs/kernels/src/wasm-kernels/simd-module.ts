import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * A few SIMD loops, hand-assembled to WebAssembly and instantiated on the tfjs wasm heap itself
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
   * One Adam step over n floats in the order and float32 rounding of the composed ops:
   * m = m·b1 + g·(1−b1) and v = v·b2 + g²·(1−b2) in place; wOut = w − m / (√v + ε) · stepSize.
   */
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
  adamUpdate(
    wOut: number, w: number, m: number, v: number, g: number, n: number,
    beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, epsilon: number, stepSize: number,
  ): void;
}

const I32 = 0x7f;
const F32 = 0x7d;
const op = {
  block: [0x02, 0x40], loop: [0x03, 0x40], end: [0x0b], br: 0x0c, brIf: 0x0d,
  get: 0x20, set: 0x21, tee: 0x22, i32Const: 0x41, i32Add: 0x6a, i32Shl: 0x74, i32GeU: 0x4f,
  f32Load: [0x2a, 0x02, 0x00], f32Store: [0x38, 0x02, 0x00], f32Add: 0x92, f32Sub: 0x93, f32Mul: 0x94, f32Div: 0x95, f32Sqrt: 0x91,
  v128Load: [0xfd, 0x00, 0x00, 0x00], v128Store: [0xfd, 0x0b, 0x00, 0x00],
  i32Mul: 0x6c, i32Load: [0x28, 0x02, 0x00],
  v128Zero: [0xfd, 0x0c, ...Array<number>(16).fill(0)], f32x4Eq: [0xfd, 0x41], v128And: [0xfd, 0x4e], v128AndNot: [0xfd, 0x4f], v128Or: [0xfd, 0x50],
  f32x4Add: [0xfd, 0xe4, 0x01], f32x4Sub: [0xfd, 0xe5, 0x01], f32x4Mul: [0xfd, 0xe6, 0x01],
  f32x4Div: [0xfd, 0xe7, 0x01], f32x4Gt: [0xfd, 0x44], f32x4Sqrt: [0xfd, 0xe3, 0x01], f32x4Splat: [0xfd, 0x13],
};

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}
const get = (i: number) => [op.get, i];
const set = (i: number) => [op.set, i];
const tee = (i: number) => [op.tee, i];
const i32 = (v: number) => [op.i32Const, ...sleb(v)];
/** local[i] += step */
const bump = (i: number, step: number) => [...get(i), ...i32(step), op.i32Add, ...set(i)];
/** address = local[base] + local[offset] */
const at = (base: number, offset: number) => [...get(base), ...get(offset), op.i32Add];
/** `while (local[i] < local[limit]) { body }` */
const whileBelow = (i: number, limit: number, body: number[]) => [
  ...op.block, ...op.loop, ...get(i), ...get(limit), op.i32GeU, op.brIf, 1, ...body, op.br, 0, ...op.end, ...op.end,
];

// fmaRow(acc 0, a 1, b 2, n 3) locals: i 4 (bytes), end4 5 (bytes), end 6 (bytes)
const fmaRow = {
  params: 4, locals: 3,
  body: [
    ...get(3), ...i32(2), op.i32Shl, ...set(6),
    ...get(3), ...i32(-4), 0x71 /* i32.and */, ...i32(2), op.i32Shl, ...set(5),
    ...whileBelow(4, 5, [
      ...at(0, 4), ...at(0, 4), ...op.v128Load, ...at(1, 4), ...op.v128Load, ...at(2, 4), ...op.v128Load,
      ...op.f32x4Mul, ...op.f32x4Add, ...op.v128Store, ...bump(4, 16),
    ]),
    ...whileBelow(4, 6, [
      ...at(0, 4), ...at(0, 4), ...op.f32Load, ...at(1, 4), ...op.f32Load, ...at(2, 4), ...op.f32Load,
      op.f32Mul, op.f32Add, ...op.f32Store, ...bump(4, 4),
    ]),
  ],
};

// bnSums(x 0, dy 1, mu 2, s1 3, s2 4, bytes 5, channelBytes 6) locals: off 7, c 8, g 9 (v128), d 10 (v128)
const bnSums = {
  params: 7, locals: 2, vectorLocals: 2,
  body: [
    ...whileBelow(7, 5, [
      ...i32(0), ...set(8),
      ...whileBelow(8, 6, [
        ...at(1, 7), ...op.v128Load, ...set(9),
        ...at(0, 7), ...op.v128Load, ...at(2, 8), ...op.v128Load, ...op.f32x4Sub, ...set(10),
        ...at(3, 8), ...at(3, 8), ...op.v128Load, ...get(9), ...op.f32x4Add, ...op.v128Store,
        ...at(4, 8), ...at(4, 8), ...op.v128Load, ...get(9), ...get(10), ...op.f32x4Mul, ...op.f32x4Add, ...op.v128Store,
        ...bump(7, 16), ...bump(8, 16),
      ]),
    ]),
  ],
};

// scaleRows(dst 0, src 1, factor 2, bytes 3, channelBytes 4) locals: off 5, c 6
const scaleRows = {
  params: 5, locals: 2,
  body: [
    ...whileBelow(5, 3, [
      ...i32(0), ...set(6),
      ...whileBelow(6, 4, [
        ...at(0, 5), ...at(1, 5), ...op.v128Load, ...at(2, 6), ...op.v128Load, ...op.f32x4Mul, ...op.v128Store,
        ...bump(5, 16), ...bump(6, 16),
      ]),
    ]),
  ],
};

// affineRows(dst 0, src 1, a 2, b 3, bytes 4, channelBytes 5) locals: off 6, c 7
const affineRows = {
  params: 6, locals: 2,
  body: [
    ...whileBelow(6, 4, [
      ...i32(0), ...set(7),
      ...whileBelow(7, 5, [
        ...at(0, 6), ...at(1, 6), ...op.v128Load, ...at(2, 7), ...op.v128Load, ...op.f32x4Mul, ...at(3, 7), ...op.v128Load, ...op.f32x4Add, ...op.v128Store,
        ...bump(6, 16), ...bump(7, 16),
      ]),
    ]),
  ],
};

// columnSums(src 0, sums 1, bytes 2, channelBytes 3) locals: off 4, c 5
const columnSums = {
  params: 4, locals: 2,
  body: [
    ...whileBelow(4, 2, [
      ...i32(0), ...set(5),
      ...whileBelow(5, 3, [
        ...at(1, 5), ...at(1, 5), ...op.v128Load, ...at(0, 4), ...op.v128Load, ...op.f32x4Add, ...op.v128Store,
        ...bump(4, 16), ...bump(5, 16),
      ]),
    ]),
  ],
};

// centredSquares(src 0, mu 1, sums 2, bytes 3, channelBytes 4) locals: off 5, c 6; v128: d 7
const centredSquares = {
  params: 5, locals: 2, vectorLocals: 1,
  body: [
    ...whileBelow(5, 3, [
      ...i32(0), ...set(6),
      ...whileBelow(6, 4, [
        ...at(0, 5), ...op.v128Load, ...at(1, 6), ...op.v128Load, ...op.f32x4Sub, ...set(7),
        ...at(2, 6), ...at(2, 6), ...op.v128Load, ...get(7), ...get(7), ...op.f32x4Mul, ...op.f32x4Add, ...op.v128Store,
        ...bump(5, 16), ...bump(6, 16),
      ]),
    ]),
  ],
};

// bnTrainingDx(dst 0, dy 1, x 2, a 3, mu 4, b 5, k 6, bytes 7, channelBytes 8) locals: off 9, c 10
const bnTrainingDx = {
  params: 9, locals: 2,
  body: [
    ...whileBelow(9, 7, [
      ...i32(0), ...set(10),
      ...whileBelow(10, 8, [
        ...at(0, 9),
        ...at(1, 9), ...op.v128Load, ...at(3, 10), ...op.v128Load, ...op.f32x4Mul,
        ...at(2, 9), ...op.v128Load, ...at(4, 10), ...op.v128Load, ...op.f32x4Sub, ...at(5, 10), ...op.v128Load, ...op.f32x4Mul, ...op.f32x4Add,
        ...at(6, 10), ...op.v128Load, ...op.f32x4Add, ...op.v128Store,
        ...bump(9, 16), ...bump(10, 16),
      ]),
    ]),
  ],
};

/** i8x16.shuffle picking float lanes (0–3 first operand, 4–7 second). */
const shuffle = (lanes: number[]) => [0xfd, 0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])];
const vstore = (address: number[], value: number[]) => [...address, ...value, ...op.v128Store];

// transpose(src 0, dst 1, rows 2, cols 3) locals: p 4, c 5, rowBytes 6, dstStride 7, from 8, to 9; v128: r0..r3 10–13, t0..t3 14–17
const transpose = {
  params: 4, locals: 6, vectorLocals: 8,
  body: [
    ...get(3), ...i32(2), op.i32Shl, ...set(6),
    ...get(2), ...i32(2), op.i32Shl, ...set(7),
    ...whileBelow(4, 2, [
      ...i32(0), ...set(5),
      ...whileBelow(5, 3, [
        // from = src + p·rowBytes + c·4; to = dst + c·dstStride + p·4
        ...get(0), ...get(4), ...get(6), op.i32Mul, op.i32Add, ...get(5), ...i32(2), op.i32Shl, op.i32Add, ...set(8),
        ...get(1), ...get(5), ...get(7), op.i32Mul, op.i32Add, ...get(4), ...i32(2), op.i32Shl, op.i32Add, ...set(9),
        ...[0, 1, 2, 3].flatMap((i) => [...get(8), ...(i ? [...get(6), ...i32(i), op.i32Mul, op.i32Add] : []), ...op.v128Load, ...set(10 + i)]),
        ...get(10), ...get(11), ...shuffle([0, 4, 1, 5]), ...set(14),
        ...get(10), ...get(11), ...shuffle([2, 6, 3, 7]), ...set(15),
        ...get(12), ...get(13), ...shuffle([0, 4, 1, 5]), ...set(16),
        ...get(12), ...get(13), ...shuffle([2, 6, 3, 7]), ...set(17),
        ...vstore([...get(9)], [...get(14), ...get(16), ...shuffle([0, 1, 4, 5])]),
        ...vstore([...get(9), ...get(7), op.i32Add], [...get(14), ...get(16), ...shuffle([2, 3, 6, 7])]),
        ...vstore([...get(9), ...get(7), ...i32(2), op.i32Mul, op.i32Add], [...get(15), ...get(17), ...shuffle([0, 1, 4, 5])]),
        ...vstore([...get(9), ...get(7), ...i32(3), op.i32Mul, op.i32Add], [...get(15), ...get(17), ...shuffle([2, 3, 6, 7])]),
        ...bump(5, 4),
      ]),
      ...bump(4, 4),
    ]),
  ],
};

// routeToMax(dx 0, x 1, y 2, dy 3, taps 4, tapCount 5, channelBytes 6) locals: c 7, t 8, off 9; v128: yv 10, g 11, found 12, m 13
const routeToMax = {
  params: 7, locals: 3, vectorLocals: 4,
  body: [
    ...whileBelow(7, 6, [
      ...at(2, 7), ...op.v128Load, ...set(10),
      ...at(3, 7), ...op.v128Load, ...set(11),
      ...op.v128Zero, ...set(12),
      ...i32(0), ...set(8),
      ...whileBelow(8, 5, [
        ...get(4), ...get(8), ...i32(2), op.i32Shl, op.i32Add, ...op.i32Load, ...get(7), op.i32Add, ...set(9),
        ...at(1, 9), ...op.v128Load, ...get(10), ...op.f32x4Eq, ...get(12), ...op.v128AndNot, ...set(13),
        ...at(0, 9), ...at(0, 9), ...op.v128Load, ...get(11), ...get(13), ...op.v128And, ...op.f32x4Add, ...op.v128Store,
        ...get(12), ...get(13), ...op.v128Or, ...set(12),
        ...bump(8, 1),
      ]),
      ...bump(7, 16),
    ]),
  ],
};

// outerAccumulate(acc 0, x 1, dy 2, pixels 3, xStride 4, cin 5, cout 6)
// locals: cb 7 (x byte offset of the ci block), ob 8 (byte offset of the co block), p 9, xp 10, dp 11, accRow 12, coutBytes 13, cinBytes 14
// v128: a[r][h] = 15 + 2r + h (r < 4 rows of ci, h < 2 halves of 8 co), d0 23, d1 24, xs 25
const loadOffset = (offset: number) => [0xfd, 0x00, 0x00, ...uleb(offset)];
const storeOffset = (offset: number) => [0xfd, 0x0b, 0x00, ...uleb(offset)];
const accAddress = (r: number) => [...get(12), ...(r ? [...get(13), ...i32(r), op.i32Mul, op.i32Add] : [])];
const outerAccumulate = {
  params: 7, locals: 8, vectorLocals: 11,
  body: [
    ...get(6), ...i32(2), op.i32Shl, ...set(13),
    ...get(5), ...i32(2), op.i32Shl, ...set(14),
    ...whileBelow(7, 14, [
      ...i32(0), ...set(8),
      ...whileBelow(8, 13, [
        ...get(0), ...get(7), ...get(6), op.i32Mul, op.i32Add, ...get(8), op.i32Add, ...set(12),
        ...[0, 1, 2, 3].flatMap((r) => [
          ...accAddress(r), ...loadOffset(0), ...set(15 + 2 * r),
          ...accAddress(r), ...loadOffset(16), ...set(16 + 2 * r),
        ]),
        ...get(1), ...get(7), op.i32Add, ...set(10),
        ...get(2), ...get(8), op.i32Add, ...set(11),
        ...i32(0), ...set(9),
        ...whileBelow(9, 3, [
          ...get(11), ...loadOffset(0), ...set(23),
          ...get(11), ...loadOffset(16), ...set(24),
          ...[0, 1, 2, 3].flatMap((r) => [
            ...get(10), 0xfd, 0x09, 0x00, ...uleb(4 * r), ...set(25),
            ...get(15 + 2 * r), ...get(25), ...get(23), ...op.f32x4Mul, ...op.f32x4Add, ...set(15 + 2 * r),
            ...get(16 + 2 * r), ...get(25), ...get(24), ...op.f32x4Mul, ...op.f32x4Add, ...set(16 + 2 * r),
          ]),
          ...get(10), ...get(4), op.i32Add, ...set(10),
          ...get(11), ...get(13), op.i32Add, ...set(11),
          ...bump(9, 1),
        ]),
        ...[0, 1, 2, 3].flatMap((r) => [
          ...accAddress(r), ...get(15 + 2 * r), ...storeOffset(0),
          ...accAddress(r), ...get(16 + 2 * r), ...storeOffset(16),
        ]),
        ...bump(8, 32),
      ]),
      ...bump(7, 16),
    ]),
  ],
};

// diagonalAccumulate(acc 0, x 1, dy 2, pixels 3, xStride 4, channels 5)
// locals: cb 6 (bytes), p 7, xp 8, dp 9, rowBytes 10; v128: a0..a3 11–14
const diagonalAccumulate = {
  params: 6, locals: 5, vectorLocals: 4,
  body: [
    ...get(5), ...i32(2), op.i32Shl, ...set(10),
    ...whileBelow(6, 10, [
      ...[0, 1, 2, 3].flatMap((i) => [...at(0, 6), ...loadOffset(16 * i), ...set(11 + i)]),
      ...at(1, 6), ...set(8),
      ...at(2, 6), ...set(9),
      ...i32(0), ...set(7),
      ...whileBelow(7, 3, [
        ...[0, 1, 2, 3].flatMap((i) => [
          ...get(11 + i), ...get(8), ...loadOffset(16 * i), ...get(9), ...loadOffset(16 * i), ...op.f32x4Mul, ...op.f32x4Add, ...set(11 + i),
        ]),
        ...get(8), ...get(4), op.i32Add, ...set(8),
        ...get(9), ...get(10), op.i32Add, ...set(9),
        ...bump(7, 1),
      ]),
      ...[0, 1, 2, 3].flatMap((i) => [...at(0, 6), ...get(11 + i), ...storeOffset(16 * i)]),
      ...bump(6, 64),
    ]),
  ],
};

// columnSumsWide(src 0, sums 1, rows 2, channelBytes 3) locals: cb 4, r 5, p 6; v128: a0..a3 7–10
const columnSumsWide = {
  params: 4, locals: 3, vectorLocals: 4,
  body: [
    ...whileBelow(4, 3, [
      ...[0, 1, 2, 3].flatMap((i) => [...at(1, 4), ...loadOffset(16 * i), ...set(7 + i)]),
      ...at(0, 4), ...set(6),
      ...i32(0), ...set(5),
      ...whileBelow(5, 2, [
        ...[0, 1, 2, 3].flatMap((i) => [...get(7 + i), ...get(6), ...loadOffset(16 * i), ...op.f32x4Add, ...set(7 + i)]),
        ...get(6), ...get(3), op.i32Add, ...set(6),
        ...bump(5, 1),
      ]),
      ...[0, 1, 2, 3].flatMap((i) => [...at(1, 4), ...get(7 + i), ...storeOffset(16 * i)]),
      ...bump(4, 64),
    ]),
  ],
};

// centredSquaresWide(src 0, mu 1, sums 2, rows 3, channelBytes 4) locals: cb 5, r 6, p 7; v128: a0..a3 8–11, m0..m3 12–15, d 16
const centredSquaresWide = {
  params: 5, locals: 3, vectorLocals: 9,
  body: [
    ...whileBelow(5, 4, [
      ...[0, 1, 2, 3].flatMap((i) => [...at(2, 5), ...loadOffset(16 * i), ...set(8 + i), ...at(1, 5), ...loadOffset(16 * i), ...set(12 + i)]),
      ...at(0, 5), ...set(7),
      ...i32(0), ...set(6),
      ...whileBelow(6, 3, [
        ...[0, 1, 2, 3].flatMap((i) => [
          ...get(8 + i), ...get(7), ...loadOffset(16 * i), ...get(12 + i), ...op.f32x4Sub, ...tee(16), ...get(16), ...op.f32x4Mul, ...op.f32x4Add, ...set(8 + i),
        ]),
        ...get(7), ...get(4), op.i32Add, ...set(7),
        ...bump(6, 1),
      ]),
      ...[0, 1, 2, 3].flatMap((i) => [...at(2, 5), ...get(8 + i), ...storeOffset(16 * i)]),
      ...bump(5, 64),
    ]),
  ],
};

// stridedCopy(dst 0, src 1, pixels 2, dstStride 3, pixelBytes 4) locals: p 5, b 6
const stridedCopy = {
  params: 5, locals: 2,
  body: [
    ...whileBelow(5, 2, [
      ...i32(0), ...set(6),
      ...whileBelow(6, 4, [...at(0, 6), ...at(1, 6), ...op.v128Load, ...op.v128Store, ...bump(6, 16)]),
      ...get(0), ...get(3), op.i32Add, ...set(0),
      ...get(1), ...get(4), op.i32Add, ...set(1),
      ...bump(5, 1),
    ]),
  ],
};

// reluGrad / squareGrad(dx 0, x 1, dy 2, bytes 3) locals: off 4; v128: two 5
const reluGrad = {
  params: 4, locals: 1,
  body: [
    ...whileBelow(4, 3, [
      ...at(0, 4), ...at(2, 4), ...op.v128Load, ...at(1, 4), ...op.v128Load, ...op.v128Zero, ...op.f32x4Gt, ...op.v128And, ...op.v128Store,
      ...bump(4, 16),
    ]),
  ],
};
const squareGrad = {
  params: 4, locals: 1, vectorLocals: 1,
  body: [
    // 2.0f = 0x40000000 in every lane
    ...i32(0x40000000), 0xfd, 0x11 /* i32x4.splat */, ...set(5),
    ...whileBelow(4, 3, [
      ...at(0, 4), ...at(2, 4), ...op.v128Load, ...at(1, 4), ...op.v128Load, ...get(5), ...op.f32x4Mul, ...op.f32x4Mul, ...op.v128Store,
      ...bump(4, 16),
    ]),
  ],
};

// adamUpdate(wOut 0, w 1, m 2, v 3, g 4, n 5; f32: b1 6, ob1 7, b2 8, ob2 9, eps 10, step 11)
// locals: i 12, end4 13, end 14 (bytes); v128: b1 15, ob1 16, b2 17, ob2 18, eps 19, step 20, g 21, m 22, v 23; f32: g 24, m 25, v 26
const adamUpdate = {
  params: 12, paramTypes: [I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32], locals: 3, vectorLocals: 9, floatLocals: 3,
  body: [
    ...get(5), ...i32(2), op.i32Shl, ...set(14),
    ...get(5), ...i32(-4), 0x71 /* i32.and */, ...i32(2), op.i32Shl, ...set(13),
    ...[0, 1, 2, 3, 4, 5].flatMap((k) => [...get(6 + k), ...op.f32x4Splat, ...set(15 + k)]),
    ...whileBelow(12, 13, [
      ...at(4, 12), ...op.v128Load, ...set(21),
      ...at(2, 12), ...at(2, 12), ...op.v128Load, ...get(15), ...op.f32x4Mul, ...get(21), ...get(16), ...op.f32x4Mul, ...op.f32x4Add, ...tee(22), ...op.v128Store,
      ...at(3, 12), ...at(3, 12), ...op.v128Load, ...get(17), ...op.f32x4Mul, ...get(21), ...get(21), ...op.f32x4Mul, ...get(18), ...op.f32x4Mul, ...op.f32x4Add, ...tee(23), ...op.v128Store,
      ...at(0, 12), ...at(1, 12), ...op.v128Load, ...get(22), ...get(23), ...op.f32x4Sqrt, ...get(19), ...op.f32x4Add, ...op.f32x4Div, ...get(20), ...op.f32x4Mul, ...op.f32x4Sub, ...op.v128Store,
      ...bump(12, 16),
    ]),
    ...whileBelow(12, 14, [
      ...at(4, 12), ...op.f32Load, ...set(24),
      ...at(2, 12), ...at(2, 12), ...op.f32Load, ...get(6), op.f32Mul, ...get(24), ...get(7), op.f32Mul, op.f32Add, ...tee(25), ...op.f32Store,
      ...at(3, 12), ...at(3, 12), ...op.f32Load, ...get(8), op.f32Mul, ...get(24), ...get(24), op.f32Mul, ...get(9), op.f32Mul, op.f32Add, ...tee(26), ...op.f32Store,
      ...at(0, 12), ...at(1, 12), ...op.f32Load, ...get(25), ...get(26), op.f32Sqrt, ...get(10), op.f32Add, op.f32Div, ...get(11), op.f32Mul, op.f32Sub, ...op.f32Store,
      ...bump(12, 4),
    ]),
  ],
};

const functions: [keyof SimdLoops, { params: number; paramTypes?: number[]; locals: number; vectorLocals?: number; floatLocals?: number; body: number[] }][] = [
  ['fmaRow', fmaRow], ['bnSums', bnSums], ['scaleRows', scaleRows], ['affineRows', affineRows], ['columnSums', columnSums], ['transpose', transpose], ['routeToMax', routeToMax],
  ['outerAccumulate', outerAccumulate], ['diagonalAccumulate', diagonalAccumulate], ['columnSumsWide', columnSumsWide], ['stridedCopy', stridedCopy], ['reluGrad', reluGrad], ['squareGrad', squareGrad], ['adamUpdate', adamUpdate],
  ['centredSquares', centredSquares], ['centredSquaresWide', centredSquaresWide], ['bnTrainingDx', bnTrainingDx],
];

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];

function assemble(): Uint8Array {
  const types = functions.map(([, f]) => [0x60, ...uleb(f.params), ...(f.paramTypes ?? Array<number>(f.params).fill(I32)), 0x00]);
  const bodies = functions.map(([, f]) => {
    const locals = [
      [...uleb(f.locals), I32],
      ...(f.vectorLocals ? [[...uleb(f.vectorLocals), 0x7b /* v128 */]] : []),
      ...(f.floatLocals ? [[...uleb(f.floatLocals), F32]] : []),
    ];
    const code = [...vec(locals), ...f.body, ...op.end];
    return [...uleb(code.length), ...code];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map(([n], i) => [...name(n), 0x00, ...uleb(i)]))),
    ...section(10, vec(bodies)),
  ]);
}

let compiled: WebAssembly.Module | undefined;
const instances = new WeakMap<WebAssembly.Memory, SimdLoops>();

/** The SIMD loops bound to this backend's heap (compiled once, instantiated once per heap). */
export function simdLoops(backend: BackendWasm): SimdLoops {
  const memory = (backend.wasm as unknown as { asm: { memory: WebAssembly.Memory } }).asm.memory;
  let loops = instances.get(memory);
  if (!loops) {
    compiled ??= new WebAssembly.Module(assemble() as unknown as ArrayBuffer);
    loops = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as SimdLoops;
    instances.set(memory, loops);
  }
  return loops;
}
