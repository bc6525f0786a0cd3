import { PIXELS_PER_IMAGE, type ImageSet } from './image-set.js';
import { createRandom } from './random.js';

/**
 * A learnable synthetic ImageSet for tests and smoke runs: class c is a bright band at a
 * class-specific height plus noise, so a small model separates the classes in a few epochs.
 */
export function syntheticImageSet(count: number, classes: string[], seed = 1): ImageSet {
  const random = createRandom(seed);
  const images = new Uint8Array(count * PIXELS_PER_IMAGE);
  const labels = new Uint8Array(count);
  const bandHeight = Math.floor(48 / classes.length);
  for (let i = 0; i < count; i++) {
    const label = i % classes.length;
    labels[i] = label;
    for (let p = 0; p < PIXELS_PER_IMAGE; p++) {
      const row = Math.floor(p / 48);
      const inBand = row >= label * bandHeight && row < (label + 1) * bandHeight;
      images[i * PIXELS_PER_IMAGE + p] = Math.min(255, Math.floor((inBand ? 170 : 40) + random() * 60));
    }
  }
  return { images, labels, count, classes: [...classes] };
}
