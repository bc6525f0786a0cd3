import { mulberry32, seedFor } from './random.js';

export const MASK_STYLES = ['surgical-white', 'surgical-blue', 'cloth', 'n95'] as const;
export type MaskStyle = (typeof MASK_STYLES)[number];

/** One image's mask: a style plus small seeded variations (colour, fit). */
export interface MaskSpec {
  style: MaskStyle;
  /** Fabric colour, CSS hex. */
  color: string;
  /** Where the top edge sits on the nose bridge: 0 = landmark 28, 1 = landmark 29. */
  topOnBridge: number;
  /** Extra coverage below the chin, as a fraction of face height. */
  chinDrop: number;
  /** Cloth pattern: 0 none, 1 stripes, 2 dots. */
  pattern: number;
}

const CLOTH_COLORS = ['#1d1d1f', '#2b3a55', '#5a5a5a', '#7a2e2e', '#3f5f45', '#b8b0a0', '#8c6f9e'];

/** The mask for a source row: a function of (seed, row index) only, never of batching or workers. */
export function maskSpecFor(seed: number, sourceIndex: number, styles: readonly MaskStyle[] = MASK_STYLES): MaskSpec {
  const random = mulberry32(seedFor(seed, sourceIndex));
  const style = styles[Math.floor(random() * styles.length)] ?? 'surgical-white';
  const jitter = (base: number, spread: number) => base + (random() * 2 - 1) * spread;
  const spec: MaskSpec = { style, color: '#f2f2f0', topOnBridge: jitter(0.35, 0.2), chinDrop: jitter(0.06, 0.03), pattern: 0 };
  if (style === 'surgical-blue') spec.color = random() < 0.5 ? '#8fc1e3' : '#a9cfe8';
  if (style === 'surgical-white') spec.color = random() < 0.5 ? '#f4f4f2' : '#e6e8ea';
  if (style === 'n95') {
    spec.color = random() < 0.7 ? '#ecebe6' : '#d9d6cc';
    spec.topOnBridge = jitter(0.1, 0.1);
    spec.chinDrop = jitter(0.1, 0.03);
  }
  if (style === 'cloth') {
    spec.color = CLOTH_COLORS[Math.floor(random() * CLOTH_COLORS.length)] ?? '#1d1d1f';
    spec.pattern = Math.floor(random() * 3);
  }
  return spec;
}
