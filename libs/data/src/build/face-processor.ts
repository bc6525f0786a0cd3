import { faceGeometry, type FaceGeometry } from '../landmarks/face-geometry.js';
import type { LandmarkDetector, Landmarks68 } from '../landmarks/landmark-detector.js';
import { REFERENCE_SHAPE } from '../landmarks/reference-shape.js';
import { drawMasks } from '../masking/mask-renderer.js';
import { maskSpecFor, type MaskStyle } from '../masking/mask-style.js';
import { laplacianVariance } from '../quality/blur.js';

export interface FaceInput {
  index: number;
  pixels: Uint8Array;
}

/** Everything the expensive stage learns about one face; filters threshold it later. */
export interface ProcessedFace {
  index: number;
  landmarks: Landmarks68;
  geometry: FaceGeometry;
  /** Variance of the Laplacian of the unmasked face. */
  blur: number;
  style: MaskStyle;
  masked: Uint8Array;
}

export interface MaskingOptions {
  seed: number;
  styles: readonly MaskStyle[];
  supersample: number;
}

/** Landmarks → measurements → mask, for one batch, in whatever thread it runs. */
export async function processFaces(detector: LandmarkDetector, faces: readonly FaceInput[], options: MaskingOptions): Promise<ProcessedFace[]> {
  const landmarks = await detector.detect(faces.map((f) => f.pixels));
  const specs = faces.map((f) => maskSpecFor(options.seed, f.index, options.styles));
  const masked = await drawMasks(
    faces.map((f) => f.pixels),
    landmarks,
    specs,
    options.supersample,
  );
  return faces.map((face, i) => ({
    index: face.index,
    landmarks: landmarks[i]!,
    geometry: faceGeometry(landmarks[i]!, REFERENCE_SHAPE),
    blur: laplacianVariance(face.pixels),
    style: specs[i]!.style,
    masked: masked[i]!,
  }));
}
