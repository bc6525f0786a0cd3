/** Images as the trainer takes them (same shape as @fermx/models' ImageSet). */
export interface LabelledImages {
  /** count × 48 × 48 grey 0..255, row-major. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  classes: string[];
  /** FER+ votes, count × 10 in FERPLUS_COLUMNS order, when every record carries them. */
  votes?: Uint8Array;
}

export interface BatchOptions {
  batchSize: number;
  seed: number;
  /** Mixed into the seed so every epoch sees a different order. */
  epoch?: number;
  /** Leave out a last batch smaller than batchSize. */
  dropRemainder?: boolean;
}

/** Shuffled batches (copies, so they can be transferred), seeded per epoch. */
export function* shuffledBatches(set: LabelledImages, options: BatchOptions): Generator<LabelledImages> {
  const order = Array.from({ length: set.count }, (_, i) => i);
  let state = (options.seed * 2654435761 + (options.epoch ?? 0) * 40503 + 1) >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const size = Math.max(1, options.batchSize);
  const pixels = set.images.length / Math.max(1, set.count);
  for (let start = 0; start < set.count; start += size) {
    const end = Math.min(set.count, start + size);
    if (options.dropRemainder && end - start < size) return;
    const n = end - start;
    const images = new Uint8Array(n * pixels);
    const labels = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const i = order[start + k]!;
      images.set(set.images.subarray(i * pixels, (i + 1) * pixels), k * pixels);
      labels[k] = set.labels[i]!;
    }
    yield { images, labels, count: n, classes: set.classes };
  }
}
