/** 68 points in dlib's iBUG layout, as x0,y0,x1,y1,… in pixel coordinates of the 48×48 crop. */
export type Landmarks68 = Float32Array;

/**
 * Finds 68 facial landmarks on 48×48 grey face crops (the whole crop is the face box).
 * Implementations batch: one call per batch of images is what makes the builder fast.
 */
export interface LandmarkDetector {
  readonly name: string;
  detect(images: readonly Uint8Array[]): Promise<Landmarks68[]>;
  dispose(): Promise<void>;
}

export function point(landmarks: Landmarks68, i: number): { x: number; y: number } {
  return { x: landmarks[2 * i]!, y: landmarks[2 * i + 1]! };
}
