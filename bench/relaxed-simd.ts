/**
 * `npm run bench:relaxed-simd`: what wasm relaxed SIMD (a fused multiply-add, `f32x4.relaxed_madd`)
 * would buy fermx's own training kernels on this CPU. The shipped `simd-loops.wat` multiplies and
 * adds in two instructions; this bench assembles it a second time with every
 * `f32x4.add(a, f32x4.mul(b, c))` fused into `f32x4.relaxed_madd(b, c, a)`, instantiates both in
 * one process (Node 20 needs `--experimental-wasm-relaxed-simd`: the npm script passes it), and
 * times the two filter-gradient inner loops that are nearly all multiply-adds, on M-Xception's
 * shapes, alternating the variants, and keeps each variant's fastest repeat (the least disturbed
 * by other work). It prints ratios measured in this one run. Nothing here is
 * used by training: the shipped module stays plain SIMD (see docs/PERFORMANCE.md).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const WAT = fileURLToPath(new URL('../libs/kernels/src/wasm-kernels/simd-loops.wat', import.meta.url));
const REPEATS = process.argv.includes('--quick') ? 5 : 21;
const WARMUP = 3;

interface Loops {
  outerAccumulate(acc: number, x: number, dy: number, pixels: number, xStride: number, cin: number, cout: number): void;
  diagonalAccumulate(acc: number, x: number, dy: number, pixels: number, xStride: number, channels: number): void;
}

/** The end (exclusive) of the balanced s-expression or token that starts at `i`. */
function exprEnd(text: string, i: number): number {
  if (text[i] !== '(') {
    let j = i;
    while (j < text.length && !/[\s()]/.test(text[j]!)) j++;
    return j;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    if (text[j] === '(') depth++;
    else if (text[j] === ')' && --depth === 0) return j + 1;
  }
  throw new Error(`unbalanced s-expression at ${i}`);
}

/** The operands of the s-expression `(op a b …)` that starts at `i`. */
function operands(text: string, i: number): string[] {
  const out: string[] = [];
  let j = text.indexOf(' ', i);
  const end = exprEnd(text, i) - 1;
  while (j < end) {
    while (/\s/.test(text[j]!)) j++;
    if (j >= end) break;
    const k = exprEnd(text, j);
    out.push(text.slice(j, k));
    j = k;
  }
  return out;
}

/**
 * The shipped text with every `(f32x4.add A (f32x4.mul B C))` (either operand order) fused into
 * `(f32x4.relaxed_madd B C A)`, innermost first; the count of fusions.
 */
function fused(text: string): { text: string; count: number } {
  let count = 0;
  let out = text;
  for (let at = out.lastIndexOf('(f32x4.add'); at >= 0; at = out.lastIndexOf('(f32x4.add', at - 1)) {
    const [a, b] = operands(out, at);
    const mul = [b, a].find((e) => e?.startsWith('(f32x4.mul'));
    if (!a || !b || !mul) continue;
    const [x, y] = operands(mul, 0);
    const addend = mul === b ? a : b;
    out = `${out.slice(0, at)}(f32x4.relaxed_madd ${x} ${y} ${addend})${out.slice(exprEnd(out, at))}`;
    count++;
  }
  return { text: out, count };
}

async function instantiate(text: string, memory: WebAssembly.Memory): Promise<Loops> {
  const wabt = await wabtInit();
  const module = wabt.parseWat('simd-loops.wat', text, { simd: true, relaxed_simd: true });
  try {
    module.resolveNames();
    module.validate();
    const bytes = new Uint8Array(module.toBinary({ canonicalize_lebs: true }).buffer);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return instance.exports as unknown as Loops;
  } finally {
    module.destroy();
  }
}

/** A float32 region of the shared memory filled with values in [-1, 1). */
class Heap {
  private next = 1024;
  constructor(readonly memory: WebAssembly.Memory) {}
  alloc(floats: number, fill = true): number {
    const at = this.next;
    this.next += Math.ceil((floats * 4) / 64) * 64;
    const view = new Float32Array(this.memory.buffer, at, floats);
    if (fill) for (let i = 0; i < floats; i++) view[i] = Math.sin(i * 12.9898) % 1;
    return at;
  }
}

interface Case {
  name: string;
  /** Zeroes the accumulators, then accumulates over the batch. */
  run(loops: Loops): void;
  read(): Float32Array;
}

function cases(heap: Heap): Case[] {
  const list: Case[] = [];
  // 1×1 convolutions' filter gradients (cin → cout) at M-Xception's resolutions, batch 32: one call per image.
  for (const [hw, cin, cout] of [
    [48, 16, 32],
    [24, 32, 64],
    [12, 64, 128],
  ] as const) {
    const pixels = hw * hw;
    const x = heap.alloc(32 * pixels * cin);
    const dy = heap.alloc(32 * pixels * cout);
    const acc = heap.alloc(cin * cout, false);
    list.push({
      name: `outerAccumulate 1×1 ${hw}²·${cin}→${cout}, 32 images`,
      run: (l) => {
        new Float32Array(heap.memory.buffer, acc, cin * cout).fill(0);
        for (let n = 0; n < 32; n++) l.outerAccumulate(acc, x + n * pixels * cin * 4, dy + n * pixels * cout * 4, pixels, cin * 4, cin, cout);
      },
      read: () => new Float32Array(heap.memory.buffer, acc, cin * cout).slice(),
    });
  }
  // Depthwise 3×3 filter gradients: one call per (image, tap).
  for (const [hw, channels] of [
    [48, 16],
    [24, 64],
    [12, 128],
  ] as const) {
    const pixels = hw * hw;
    const x = heap.alloc(32 * pixels * channels);
    const dy = heap.alloc(32 * pixels * channels);
    const acc = heap.alloc(9 * channels, false);
    list.push({
      name: `diagonalAccumulate depthwise 3×3 ${hw}²·${channels}, 32 images`,
      run: (l) => {
        new Float32Array(heap.memory.buffer, acc, 9 * channels).fill(0);
        for (let n = 0; n < 32; n++)
          for (let tap = 0; tap < 9; tap++)
            l.diagonalAccumulate(acc + tap * channels * 4, x + n * pixels * channels * 4, dy + n * pixels * channels * 4, pixels, channels * 4, channels);
      },
      read: () => new Float32Array(heap.memory.buffer, acc, 9 * channels).slice(),
    });
  }
  return list;
}

/** The fastest repeat: the one least disturbed by other work on the machine. */
function fastest(xs: number[]): number {
  return Math.min(...xs);
}

async function main(): Promise<void> {
  const text = readFileSync(WAT, 'utf8');
  const relaxed = fused(text);
  const memory = new WebAssembly.Memory({ initial: 4096 });
  let loops: { plain: Loops; relaxed: Loops };
  try {
    loops = { plain: await instantiate(text, memory), relaxed: await instantiate(relaxed.text, memory) };
  } catch (error) {
    throw new Error(`relaxed SIMD did not compile (${(error as Error).message}); Node 20 needs --experimental-wasm-relaxed-simd`);
  }
  const heap = new Heap(memory);
  console.log(
    `fermx relaxed-SIMD bench — node ${process.version}, ${relaxed.count} multiply-adds fused in simd-loops.wat, ${REPEATS} alternating repeats, fastest repeat in ms`,
  );
  console.log('');
  console.log('| kernel, shape | plain SIMD (mul + add) | relaxed_madd | ratio | max difference / max value |');
  console.log('|---|---:|---:|---:|---:|');
  for (const c of cases(heap)) {
    const times = { plain: [] as number[], relaxed: [] as number[] };
    const results: Partial<Record<'plain' | 'relaxed', Float32Array>> = {};
    for (let r = 0; r < WARMUP + REPEATS; r++) {
      for (const variant of ['plain', 'relaxed'] as const) {
        const t0 = performance.now();
        c.run(loops[variant]);
        const ms = performance.now() - t0;
        // The first rounds warm the JIT (wasm tiers up from Liftoff to TurboFan) and are not timed.
        if (r >= WARMUP) times[variant].push(ms);
        results[variant] = c.read();
      }
    }
    const a = results.plain!;
    const b = results.relaxed!;
    let worst = 0;
    let scale = 0;
    for (let i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      scale = Math.max(scale, Math.abs(a[i]!));
    }
    worst /= scale;
    const p = fastest(times.plain);
    const q = fastest(times.relaxed);
    console.log(`| ${c.name} | ${p.toFixed(2)} | ${q.toFixed(2)} | ${(p / q).toFixed(2)}× | ${worst.toExponential(1)} |`);
  }
}

await main();
