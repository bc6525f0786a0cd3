/**
 * `npm run wasm:assemble`: assembles the kernels' WebAssembly text with wabt and writes the bytes
 * fermx ships beside it (libs/kernels/src/wasm-kernels/simd-loops.wat → simd-loops-wasm.ts).
 * Nothing assembles at run time; libs/kernels/src/wasm-kernels/simd-loops.test.ts checks the
 * shipped bytes against the .wat.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleWat, shippedWasmModule } from '@fermx/kernels/testing';

const dir = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'libs/kernels/src/wasm-kernels');
const bytes = await assembleWat(join(dir, 'simd-loops.wat'));
writeFileSync(join(dir, 'simd-loops-wasm.ts'), shippedWasmModule(bytes, 'simd-loops.wat', 'SIMD_LOOPS_WASM_BASE64'));
console.error(JSON.stringify({ msg: 'assembled', source: 'simd-loops.wat', bytes: bytes.length }));
