/** Deterministic randomness for training: every stream is derived from (seed, purpose, epoch…). */
import { mulberry32 } from '@fermx/contracts';

/** Mixes integers into one 32-bit seed (murmur3 finaliser per part), stable across platforms. */
export function deriveSeed(...parts: (number | string)[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    const values = typeof part === 'string' ? Array.from(part, (c) => c.charCodeAt(0)) : [part >>> 0, Math.floor(part / 2 ** 32) >>> 0];
    for (const value of values) {
      h = Math.imul(h ^ value, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}

/** fermx's shared seeded PRNG (mulberry32, from the contracts): floats in [0, 1). */
export const createRandom: (seed: number) => () => number = mulberry32;

/** Fisher–Yates permutation of 0..count-1. */
export function shuffledIndices(count: number, random: () => number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
  return order;
}
