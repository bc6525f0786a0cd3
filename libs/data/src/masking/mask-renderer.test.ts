import { describe, expect, it } from 'vitest';
import { templateDetector } from '../testing/synthetic-fer2013.js';
import { drawMasks } from './mask-renderer.js';
import { MASK_STYLES, maskSpecFor } from './mask-style.js';

describe('drawMasks', () => {
  it('covers mouth and jaw, leaves the eyes, for every style', async () => {
    const face = new Uint8Array(2304).fill(128);
    const [landmarks] = await templateDetector().detect([face]);
    const specs = MASK_STYLES.map((style) => ({ ...maskSpecFor(1, 0), style, color: style === 'cloth' ? '#101010' : '#f0f0f0', pattern: 0 }));
    const masked = await drawMasks(
      specs.map(() => face),
      specs.map(() => landmarks!),
      specs,
    );
    const at = (img: Uint8Array, i: number) => img[Math.round(landmarks![2 * i + 1]!) * 48 + Math.round(landmarks![2 * i]!)]!;
    for (const [k, img] of masked.entries()) {
      const light = specs[k]!.style !== 'cloth';
      // Mouth (62, 66) and chin (8, just inside) are covered; eyes (37, 44) are untouched.
      for (const p of [62, 66, 57]) expect(Math.abs(at(img, p) - 128), `${specs[k]!.style} point ${p}`).toBeGreaterThan(25);
      expect(light ? at(img, 62) > 128 : at(img, 62) < 128).toBe(true);
      for (const p of [37, 44]) expect(at(img, p)).toBe(128);
    }
  });

  it('chooses styles per image from the seed, independent of batching', () => {
    const a = Array.from({ length: 200 }, (_, i) => maskSpecFor(5, i).style);
    expect(new Set(a).size).toBe(MASK_STYLES.length);
    expect(maskSpecFor(5, 17)).toEqual(maskSpecFor(5, 17));
    expect(Array.from({ length: 50 }, (_, i) => maskSpecFor(6, i).style)).not.toEqual(a.slice(0, 50));
  });
});
