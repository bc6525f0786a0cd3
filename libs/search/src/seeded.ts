import { mulberry32 } from '@fermx/contracts';

/**
 * A PRNG for one decision, seeded from the sweep's seed and the decision's coordinates (proposal
 * number, attempt): a proposal's randomness depends on nothing drawn before it, so replaying a
 * sweep's log reproduces each proposal on its own.
 */
export function decisionRandom(seed: number, ...coordinates: number[]): () => number {
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9);
  for (const c of coordinates) h = fmix32(h ^ Math.imul((c >>> 0) + 0x7f4a7c15, 0x85ebca6b));
  return mulberry32(h);
}

/** murmur3's 32-bit finaliser. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A standard normal draw (Box-Muller). */
export function normal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
