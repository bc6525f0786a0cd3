/**
 * A search space as the samplers see it: named dimensions, each categorical (any values), a
 * float range (linear or log scale) or an inclusive integer range. Values are kept as the user
 * wrote them; samplers work in an internal coordinate per dimension (see `encode`).
 */
export type Dimension =
  | { name: string; kind: 'categorical'; choices: readonly unknown[] }
  | { name: string; kind: 'float'; low: number; high: number; log: boolean }
  | { name: string; kind: 'int'; low: number; high: number };

export type Point = Record<string, unknown>;

/** Bounds of a numeric dimension's internal coordinate (log scale in log space, ints widened by ½). */
export function coordinateBounds(d: Exclude<Dimension, { kind: 'categorical' }>): { low: number; high: number } {
  if (d.kind === 'int') return { low: d.low - 0.5, high: d.high + 0.5 };
  return d.log ? { low: Math.log(d.low), high: Math.log(d.high) } : { low: d.low, high: d.high };
}

/**
 * A value's internal coordinate: the choice index for categoricals (-1 when not a choice), the
 * (log) value clipped into the range for numbers (undefined when not a finite number).
 */
export function encode(d: Dimension, value: unknown): number | undefined {
  if (d.kind === 'categorical') {
    const key = JSON.stringify(value);
    const index = d.choices.findIndex((c) => JSON.stringify(c) === key);
    return index >= 0 ? index : undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const clipped = Math.min(d.high, Math.max(d.low, value));
  return d.kind === 'float' && d.log ? Math.log(clipped) : clipped;
}

/** The value at an internal coordinate: ints rounded into range, floats to 4 significant digits. */
export function decode(d: Dimension, x: number): unknown {
  if (d.kind === 'categorical') return d.choices[Math.min(d.choices.length - 1, Math.max(0, Math.round(x)))];
  if (d.kind === 'int') return Math.min(d.high, Math.max(d.low, Math.round(x)));
  const value = d.log ? Math.exp(x) : x;
  return Math.min(d.high, Math.max(d.low, roundSignificant(value)));
}

/** Four significant digits, as random sweeps round: readable on a leaderboard, still distinct trials. */
export function roundSignificant(x: number): number {
  return Number(x.toPrecision(4));
}

/** One point drawn uniformly (log-uniformly for log ranges) from the space. */
export function sampleUniform(space: readonly Dimension[], random: () => number): Point {
  const point: Point = {};
  for (const d of space) {
    if (d.kind === 'categorical') point[d.name] = d.choices[Math.floor(random() * d.choices.length)];
    else {
      const { low, high } = coordinateBounds(d);
      point[d.name] = decode(d, low + random() * (high - low));
    }
  }
  return point;
}
