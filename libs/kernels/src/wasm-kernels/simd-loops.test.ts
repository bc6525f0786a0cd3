import { describe, expect, it } from 'vitest';
import { assembleWat, wasmBytes } from '../testing/wat.js';
import { SIMD_LOOP_NAMES } from './simd-module.js';
import { SIMD_LOOPS_WASM_BASE64 } from './simd-loops-wasm.js';

const source = new URL('./simd-loops.wat', import.meta.url).pathname;

describe('the SIMD loops fermx ships (simd-loops-wasm.ts)', () => {
  it('are exactly what simd-loops.wat assembles to with wabt (run `npm run wasm:assemble` after editing the .wat)', async () => {
    const assembled = await assembleWat(source);
    const shipped = wasmBytes(SIMD_LOOPS_WASM_BASE64);
    expect(shipped.length).toBe(assembled.length);
    expect(Buffer.from(shipped).equals(Buffer.from(assembled))).toBe(true);
  });

  it('export every loop of the SimdLoops interface, importing only the heap memory', () => {
    const module = new WebAssembly.Module(wasmBytes(SIMD_LOOPS_WASM_BASE64));
    expect(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind])).toEqual(SIMD_LOOP_NAMES.map((name) => [name, 'function']));
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
  });

  it('run on the memory they are given: fmaRow over a SIMD body and a scalar tail', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const loops = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes(SIMD_LOOPS_WASM_BASE64)), { env: { memory } }).exports as unknown as {
      fmaRow(acc: number, a: number, b: number, n: number): void;
    };
    const f = new Float32Array(memory.buffer);
    const n = 7;
    for (let i = 0; i < n; i++) [f[i], f[16 + i], f[32 + i]] = [1, i, 0.5];
    loops.fmaRow(0, 64, 128, n);
    expect(Array.from(f.subarray(0, n))).toEqual([1, 1.5, 2, 2.5, 3, 3.5, 4]);
    expect(f[n]).toBe(0);
  });
});
