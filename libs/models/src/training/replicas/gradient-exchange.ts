import * as tf from '@tensorflow/tfjs';

/**
 * The all-reduce buffer: R + 1 slots of float32 in one SharedArrayBuffer. Slot r belongs to
 * replica r (its gradients, then its moving statistics); slot R holds the reduced values that
 * every replica reads. Summing in replica order on one thread makes every replica's copy of
 * the sum bit-identical.
 */
export class GradientExchange {
  readonly buffer: SharedArrayBuffer;
  readonly values: Float32Array;

  constructor(
    readonly replicas: number,
    /** Floats of trainable gradients per slot. */
    readonly gradients: number,
    /** Floats of moving statistics per slot (after the gradients). */
    readonly statistics: number,
    buffer?: SharedArrayBuffer,
  ) {
    const floats = (replicas + 1) * (gradients + statistics);
    this.buffer = buffer ?? new SharedArrayBuffer(floats * 4);
    if (this.buffer.byteLength !== floats * 4) throw new Error(`exchange buffer has ${this.buffer.byteLength} bytes, expected ${floats * 4}`);
    this.values = new Float32Array(this.buffer);
  }

  get slotSize(): number {
    return this.gradients + this.statistics;
  }

  gradientsOf(slot: number): Float32Array {
    const start = slot * this.slotSize;
    return this.values.subarray(start, start + this.gradients);
  }

  statisticsOf(slot: number): Float32Array {
    const start = slot * this.slotSize + this.gradients;
    return this.values.subarray(start, start + this.statistics);
  }

  /** reduced gradients = slot 0 + slot 1 + … in that order. */
  sumGradients(): void {
    const out = this.gradientsOf(this.replicas);
    out.set(this.gradientsOf(0));
    for (let r = 1; r < this.replicas; r++) {
      const g = this.gradientsOf(r);
      for (let i = 0; i < out.length; i++) out[i]! += g[i]!;
    }
  }

  /** reduced statistics = (slot 0 + slot 1 + …) / R, summed in that order. */
  averageStatistics(): void {
    const out = this.statisticsOf(this.replicas);
    out.set(this.statisticsOf(0));
    for (let r = 1; r < this.replicas; r++) {
      const s = this.statisticsOf(r);
      for (let i = 0; i < out.length; i++) out[i]! += s[i]!;
    }
    for (let i = 0; i < out.length; i++) out[i]! /= this.replicas;
  }
}

/** Copies the tensors' values back to back into `target`. */
export function writeTensors(target: Float32Array, tensors: tf.Tensor[]): void {
  let offset = 0;
  for (const t of tensors) {
    const values = t.dataSync() as Float32Array;
    target.set(values, offset);
    offset += values.length;
  }
  if (offset !== target.length) throw new Error(`wrote ${offset} values into an exchange slot of ${target.length}`);
}

/** Tensors of the given shapes read back to back from `source` (copied: the slot is reused). */
export function readTensors(source: Float32Array, shapes: number[][]): tf.Tensor[] {
  let offset = 0;
  return shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(source.slice(offset, offset + size), shape);
    offset += size;
    return t;
  });
}

/** Total element count of the shapes. */
export function elementCount(shapes: number[][]): number {
  return shapes.reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);
}

/** FNV-1a over the bits of every value: equal fingerprints mean bit-identical weights. */
export function weightFingerprint(values: Float32Array[]): string {
  let h = 0x811c9dc5;
  for (const v of values) {
    const words = new Uint32Array(v.buffer, v.byteOffset, v.length);
    for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
