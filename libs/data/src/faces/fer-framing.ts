/**
 * How FER2013 frames a face in its 48×48 crop, and the square crop box that frames a face found
 * in a photo the same way. Pure functions with no Node imports, so the browser page bundles the
 * same code as `fermx predict` (docs/PREDICT.md "Framing").
 *
 * FER2013's crops were registered by its authors' face detector; the registration is described
 * only as "centred, about the same size". fermx measures it instead: the face-api 68-point
 * landmark net on FER2013 rows (the whole 48×48 crop as the face box, as the dataset builder runs
 * it), and the median of each quantity below over those rows. `bench/predict-framing.ts --measure`
 * reproduces the figures.
 */

export interface Point {
  x: number;
  y: number;
}

/** An axis-aligned box in image pixels (top-left corner, size). Framing boxes are square. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Three keypoints any face detector gives: the subject's right eye (on the image's left for a
 * face looking at the camera), the left eye, and the mouth centre. dlib's 68 points reduce to
 * these (`keypointsFromLandmarks68`); MediaPipe's FaceDetector returns them as its keypoints 0, 1, 3.
 */
export interface FaceKeypoints {
  rightEye: Point;
  leftEye: Point;
  mouth: Point;
}

/** What fermx measures of a face (in any pixel frame). */
export interface FaceMeasures {
  /** Mean of the 68 landmarks. */
  centroid: Point;
  /** Root-mean-square distance of the 68 landmarks from their centroid. */
  rmsRadius: number;
  /** Midpoint between the eye centres. */
  eyeMid: Point;
  /** hypot(eye distance, eye-midpoint-to-mouth distance): the face size from three keypoints. */
  keypointScale: number;
}

export const FER_SIDE = 48;

/**
 * Medians over FER2013 rows, in pixels of the 48×48 crop (`bench/predict-framing.ts --measure`:
 * the first 4,096 rows of the shared fer2013-train-publictest.csv.gz, face-api landmark net).
 * The relative spread ((p75 − p25) / median) of the size is smaller for the 68-point RMS radius
 * (0.133) than for the three-keypoint scale (0.170) or the eye distance alone (0.20), so fermx
 * frames by the 68 points when it has them and by the keypoints otherwise.
 */
export const FER2013_FRAMING = {
  rows: 4096,
  centroid: { x: 23.53, y: 27.72 },
  rmsRadius: 14.66,
  eyeMid: { x: 23.39, y: 17.86 },
  keypointScale: 25.54,
} as const;

export type FramingReference = Pick<typeof FER2013_FRAMING, 'centroid' | 'rmsRadius' | 'eyeMid' | 'keypointScale'>;

function meanOf(points: ArrayLike<number>, from: number, to: number): Point {
  let x = 0;
  let y = 0;
  for (let i = from; i < to; i++) {
    x += points[2 * i]!;
    y += points[2 * i + 1]!;
  }
  return { x: x / (to - from), y: y / (to - from) };
}

function checkLandmarks68(points: ArrayLike<number>): void {
  if (points.length !== 136) throw new Error(`fer-framing: expected 68 landmarks (136 numbers), got ${points.length} numbers`);
  for (let i = 0; i < 136; i++) {
    if (!Number.isFinite(points[i]!)) throw new Error(`fer-framing: landmark ${Math.floor(i / 2)} is not a finite number`);
  }
}

/** Eye centres (mean of dlib points 36–41 and 42–47) and the mouth centre (midpoint of corners 48, 54). */
export function keypointsFromLandmarks68(points: ArrayLike<number>): FaceKeypoints {
  checkLandmarks68(points);
  return {
    rightEye: meanOf(points, 36, 42),
    leftEye: meanOf(points, 42, 48),
    mouth: { x: (points[96]! + points[108]!) / 2, y: (points[97]! + points[109]!) / 2 },
  };
}

function keypointMeasures(k: FaceKeypoints): Pick<FaceMeasures, 'eyeMid' | 'keypointScale'> {
  const eyeMid = { x: (k.rightEye.x + k.leftEye.x) / 2, y: (k.rightEye.y + k.leftEye.y) / 2 };
  const eyes = Math.hypot(k.leftEye.x - k.rightEye.x, k.leftEye.y - k.rightEye.y);
  const eyeMouth = Math.hypot(k.mouth.x - eyeMid.x, k.mouth.y - eyeMid.y);
  return { eyeMid, keypointScale: Math.hypot(eyes, eyeMouth) };
}

/** Every measure of a face from its 68 landmarks (dlib order, x0,y0,x1,y1,…). */
export function measureLandmarks68(points: ArrayLike<number>): FaceMeasures {
  checkLandmarks68(points);
  const centroid = meanOf(points, 0, 68);
  let sum = 0;
  for (let i = 0; i < 68; i++) sum += (points[2 * i]! - centroid.x) ** 2 + (points[2 * i + 1]! - centroid.y) ** 2;
  return { centroid, rmsRadius: Math.sqrt(sum / 68), ...keypointMeasures(keypointsFromLandmarks68(points)) };
}

/** Medians of each measure over many faces: how `FER2013_FRAMING` is computed. */
export function medianMeasures(faces: readonly FaceMeasures[]): FaceMeasures {
  if (faces.length === 0) throw new Error('fer-framing: no faces to take the median of');
  const median = (pick: (m: FaceMeasures) => number) => {
    const values = faces.map(pick).sort((a, b) => a - b);
    const mid = values.length >> 1;
    return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  };
  return {
    centroid: { x: median((m) => m.centroid.x), y: median((m) => m.centroid.y) },
    rmsRadius: median((m) => m.rmsRadius),
    eyeMid: { x: median((m) => m.eyeMid.x), y: median((m) => m.eyeMid.y) },
    keypointScale: median((m) => m.keypointScale),
  };
}

/** The square box whose 48×48 resample puts `anchor` at `reference` and makes `size` measure `referenceSize`. */
function boxPlacing(anchor: Point, size: number, reference: Point, referenceSize: number): FaceBox {
  if (!(size > 0)) throw new Error(`fer-framing: face size must be > 0, got ${size}`);
  const side = (size * FER_SIDE) / referenceSize;
  const scale = side / FER_SIDE;
  return { x: anchor.x - reference.x * scale, y: anchor.y - reference.y * scale, width: side, height: side };
}

/**
 * The FER2013-framed square crop of a face from its 68 landmarks in image pixels: the landmark
 * centroid lands where FER2013's median centroid is, and the RMS radius is FER2013's median.
 */
export function ferBoxFromLandmarks68(points: ArrayLike<number>, reference: FramingReference = FER2013_FRAMING): FaceBox {
  const m = measureLandmarks68(points);
  return boxPlacing(m.centroid, m.rmsRadius, reference.centroid, reference.rmsRadius);
}

/** The FER2013-framed square crop from three keypoints (eye midpoint placed, keypoint scale matched). */
export function ferBoxFromKeypoints(keypoints: FaceKeypoints, reference: FramingReference = FER2013_FRAMING): FaceBox {
  const m = keypointMeasures(keypoints);
  return boxPlacing(m.eyeMid, m.keypointScale, reference.eyeMid, reference.keypointScale);
}

/** Image-pixel points → pixels of the 48×48 crop of `box` (x0,y0,x1,y1,… in, same layout out). */
export function pointsInCrop(points: ArrayLike<number>, box: FaceBox, side = FER_SIDE): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 2) {
    out[i] = ((points[i]! - box.x) * side) / box.width;
    out[i + 1] = ((points[i + 1]! - box.y) * side) / box.height;
  }
  return out;
}

/** Pixels of the 48×48 crop of `box` → image pixels (the inverse of `pointsInCrop`). */
export function pointsInImage(points: ArrayLike<number>, box: FaceBox, side = FER_SIDE): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 2) {
    out[i] = box.x + (points[i]! * box.width) / side;
    out[i + 1] = box.y + (points[i + 1]! * box.height) / side;
  }
  return out;
}
