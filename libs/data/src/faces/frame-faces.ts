import type { LandmarkDetector } from '../landmarks/landmark-detector.js';
import { ferCrop, greyscale } from './fer-crop.js';
import type { FaceFinder } from './face-finder.js';
import { ferBoxFromLandmarks68, pointsInImage, type FaceBox } from './fer-framing.js';
import type { RgbImage } from './photo.js';

/** A face found in a photo, cut out the way FER2013 frames its faces. */
export interface FramedFace {
  /** The detector's box and score, in image pixels. */
  detection: FaceBox;
  score: number;
  /** The square FER2013-framed crop box, in image pixels (may reach past the image's edges). */
  box: FaceBox;
  /** 48×48 grey pixels of `box`. */
  pixels: Uint8Array;
  /** 68 landmarks on `pixels` (48×48 crop pixels), from the landmark net run on the crop itself. */
  landmarks: Float32Array;
}

export interface FrameOptions {
  /**
   * Times the box is re-derived from landmarks found on the 48×48 crop itself (default 1). The
   * FER2013 medians were measured that way (the net on a 48×48 crop), so the first refinement
   * removes the bias of the landmarks found on the detector's box; 0 keeps the detector's landmarks.
   */
  refinements?: number;
}

/**
 * Finds every face in a photo and frames each like FER2013: detector + landmarks → box from the
 * 68 landmarks (`ferBoxFromLandmarks68`) → 48×48 grey crop → landmarks on the crop → refined box.
 */
export async function frameFaces(photo: RgbImage, finder: FaceFinder, landmarkNet: LandmarkDetector, options: FrameOptions = {}): Promise<FramedFace[]> {
  const found = await finder.find(photo);
  if (found.length === 0) return [];
  const grey = greyscale(photo.data, photo.width, photo.height, 3);
  let boxes = found.map((face) => ferBoxFromLandmarks68(face.landmarks));
  let crops = boxes.map((box) => ferCrop(grey, box));
  let landmarks = await landmarkNet.detect(crops);
  for (let round = 0; round < (options.refinements ?? 1); round++) {
    boxes = boxes.map((box, i) => ferBoxFromLandmarks68(pointsInImage(landmarks[i]!, box)));
    crops = boxes.map((box) => ferCrop(grey, box));
    landmarks = await landmarkNet.detect(crops);
  }
  return found.map((face, i) => ({ detection: face.box, score: face.score, box: boxes[i]!, pixels: crops[i]!, landmarks: landmarks[i]! }));
}
