import { ferBoxFromKeypoints, type FaceBox, type FaceKeypoints } from '@fermx/data';

// Pure helpers of the Try-it page's framing (bundled into /vendor/try-it-runtime.js, where
// '@fermx/data' resolves to libs/data's fer-framing module alone: web/try-it-bundle.ts).

const centre = (b: FaceBox) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

/**
 * The first box from a detector's keypoints: `ferBoxFromKeypoints` (eye midpoint and face size as
 * in FER2013), with its centre turned about the eye midpoint by the head's roll (the eye line's
 * angle). An upright face gets the same box; a tilted head gets a box centred on its face instead
 * of below its eyes, so the landmark refinement starts on the face.
 */
export function keypointBox(k: FaceKeypoints): FaceBox {
  const box = ferBoxFromKeypoints(k);
  const roll = Math.atan2(k.leftEye.y - k.rightEye.y, k.leftEye.x - k.rightEye.x);
  const eye = { x: (k.rightEye.x + k.leftEye.x) / 2, y: (k.rightEye.y + k.leftEye.y) / 2 };
  const c = centre(box);
  const dx = c.x - eye.x;
  const dy = c.y - eye.y;
  const cx = eye.x + dx * Math.cos(roll) - dy * Math.sin(roll);
  const cy = eye.y + dx * Math.sin(roll) + dy * Math.cos(roll);
  return { x: cx - box.width / 2, y: cy - box.height / 2, width: box.width, height: box.height };
}

/**
 * Whether a landmark refinement of a box is kept: its size within 1.5× of the box's and its centre
 * moved less than half the box's side. Landmarks that lost the face (a strongly turned head, a
 * crop on one eye) propose a box far off; the face then keeps the box it had.
 */
export function plausibleRefinement(before: FaceBox, after: FaceBox): boolean {
  const ratio = after.width / before.width;
  const a = centre(after);
  const b = centre(before);
  return ratio > 1 / 1.5 && ratio < 1.5 && Math.hypot(a.x - b.x, a.y - b.y) < before.width / 2;
}
