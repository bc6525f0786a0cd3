import * as tf from '@tensorflow/tfjs';
import type { TestTimeAugmentation } from '@fermx/contracts';

// Test-time augmentation: the views a model's probabilities are averaged over. `fermx evaluate`,
// `fermx predict` and the Try-it page (which bundles this file) read a model through it, so a
// face is read the way the model's accuracy was measured.

/** How far `flip-shift` moves each view, in pixels of the 48×48 input (training shifts reach 4.8). */
export const TTA_SHIFT_PIXELS = 2;

type Shift = readonly [dy: number, dx: number];
const SHIFTS: readonly Shift[] = [
  [0, 0],
  [TTA_SHIFT_PIXELS, 0],
  [-TTA_SHIFT_PIXELS, 0],
  [0, TTA_SHIFT_PIXELS],
  [0, -TTA_SHIFT_PIXELS],
];

/** Per augmentation, the shifts it reads (each as it is and mirrored), or none for the plain image. */
const VIEW_SHIFTS: Readonly<Record<TestTimeAugmentation, readonly Shift[] | undefined>> = {
  none: undefined,
  flip: SHIFTS.slice(0, 1),
  'flip-shift': SHIFTS,
};

/** How many forward passes one image costs under `tta`. */
export function viewCount(tta: TestTimeAugmentation): number {
  return (VIEW_SHIFTS[tta]?.length ?? 0) * 2 || 1;
}

/** The batch moved by (dy, dx) pixels, the border filled by mirroring the edge (as no pixel is lost). */
function shifted(images: tf.Tensor4D, dy: number, dx: number): tf.Tensor4D {
  if (dy === 0 && dx === 0) return images;
  const [n, height, width, channels] = images.shape;
  const p = Math.max(Math.abs(dy), Math.abs(dx));
  const padded = tf.mirrorPad(
    images,
    [
      [0, 0],
      [p, p],
      [p, p],
      [0, 0],
    ],
    'symmetric',
  );
  return tf.slice(padded, [0, p - dy, p - dx, 0], [n, height, width, channels]);
}

/** Class probabilities of a batch [n,48,48,1], with test-time augmentation (the mean over its views). */
export function predictProbabilities(model: tf.LayersModel, images: tf.Tensor4D, tta: TestTimeAugmentation = 'none'): tf.Tensor2D {
  return tf.tidy(() => {
    const shifts = VIEW_SHIFTS[tta];
    if (!shifts) return model.predict(images) as tf.Tensor2D;
    const views = shifts.flatMap(([dy, dx]) => {
      const view = shifted(images, dy, dx);
      return [model.predict(view) as tf.Tensor2D, model.predict(tf.reverse(view, 2)) as tf.Tensor2D];
    });
    return tf.div(tf.addN(views), views.length) as tf.Tensor2D;
  });
}

/** The parts of a model's metadata.json that say how it was read when it was chosen. */
export interface RecordedReading {
  evaluation?: { tta?: unknown };
  training?: { tta?: unknown };
}

/**
 * The test-time augmentation a saved model is read with unless asked otherwise: the one it was
 * chosen under (metadata.evaluation), else its training's, else none. A value fermx does not know
 * is an error naming the field, not a silent plain read.
 */
export function recordedTestTimeAugmentation(metadata: RecordedReading | undefined): TestTimeAugmentation {
  for (const field of ['evaluation', 'training'] as const) {
    const tta = metadata?.[field]?.tta;
    if (tta === undefined) continue;
    if (typeof tta === 'string' && Object.hasOwn(VIEW_SHIFTS, tta)) return tta as TestTimeAugmentation;
    throw new Error(`metadata.json ${field}.tta is ${JSON.stringify(tta)}; fermx reads ${Object.keys(VIEW_SHIFTS).join(', ')}`);
  }
  return 'none';
}
