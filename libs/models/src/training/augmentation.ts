import * as tf from '@tensorflow/tfjs';
import { INPUT_SIZE } from '../architectures/model-config.js';

/**
 * Random affine augmentation, as Keras' ImageDataGenerator draws it (same field names as the
 * queue contract in @fermx/contracts).
 */
export interface AugmentationConfig {
  /** Maximum rotation in degrees (uniform in ±). */
  rotation: number;
  /** Maximum horizontal shift as a fraction of the width (uniform in ±). */
  widthShift: number;
  /** Maximum vertical shift as a fraction of the height (uniform in ±). */
  heightShift: number;
  /** Each axis is scaled by a factor uniform in [1 - zoom, 1 + zoom]. */
  zoom: number;
  horizontalFlip: boolean;
}

/** The paper's protocol (section 2.3): rotation 10°, shifts 0.1, zoom 0.1, horizontal flip. */
export const PAPER_AUGMENTATION: AugmentationConfig = { rotation: 10, widthShift: 0.1, heightShift: 0.1, zoom: 0.1, horizontalFlip: true };

/**
 * Per-image projective transforms for tf.image.transform ([n, 8], output → input pixel
 * coordinates): input = M·(out − c) + c + shift, with M = rotation · zoom · flip about the
 * image centre c.
 */
export function augmentationTransforms(count: number, config: AugmentationConfig, random: () => number): Float32Array {
  const out = new Float32Array(count * 8);
  const c = (INPUT_SIZE - 1) / 2;
  const uniform = (limit: number): number => (random() * 2 - 1) * limit;
  for (let i = 0; i < count; i++) {
    // Always draw every value so the stream does not depend on which options are on.
    const theta = (uniform(config.rotation) * Math.PI) / 180;
    const tx = uniform(config.widthShift) * INPUT_SIZE;
    const ty = uniform(config.heightShift) * INPUT_SIZE;
    const zx = 1 + uniform(config.zoom);
    const zy = 1 + uniform(config.zoom);
    const flipDraw = random();
    const flip = config.horizontalFlip && flipDraw < 0.5 ? -1 : 1;
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const m00 = cos * zx * flip;
    const m01 = -sin * zy;
    const m10 = sin * zx * flip;
    const m11 = cos * zy;
    out.set([m00, m01, c + tx - m00 * c - m01 * c, m10, m11, c + ty - m10 * c - m11 * c, 0, 0], i * 8);
  }
  return out;
}

/** Applies the transforms with bilinear sampling and nearest-edge fill. */
export function augmentBatch(images: tf.Tensor4D, transforms: Float32Array): tf.Tensor4D {
  const count = images.shape[0];
  return tf.tidy(() => {
    const matrices = tf.tensor2d(transforms, [count, 8]);
    // tfjs-backend-cpu 4.22's Transform returns after the first image (a `return` inside its
    // batch loop), leaving the rest zero; one image per call is correct everywhere.
    if (tf.getBackend() !== 'cpu' || count === 1) return tf.image.transform(images, matrices, 'bilinear', 'nearest');
    const one = (i: number): tf.Tensor4D =>
      tf.image.transform(tf.slice(images, [i, 0, 0, 0], [1, -1, -1, -1]), tf.slice(matrices, [i, 0], [1, 8]), 'bilinear', 'nearest');
    return tf.concat(Array.from({ length: count }, (_, i) => one(i)), 0);
  });
}
