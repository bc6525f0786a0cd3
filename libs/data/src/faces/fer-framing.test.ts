import { describe, expect, it } from 'vitest';
import { REFERENCE_SHAPE } from '../landmarks/reference-shape.js';
import {
  FER2013_FRAMING,
  ferBoxFromKeypoints,
  ferBoxFromLandmarks68,
  keypointsFromLandmarks68,
  measureLandmarks68,
  medianMeasures,
  pointsInCrop,
  pointsInImage,
} from './fer-framing.js';

/** The reference face scaled and moved: `scale` px per unit, centred at (cx, cy). */
function face(scale: number, cx: number, cy: number): Float32Array {
  const out = new Float32Array(136);
  for (let i = 0; i < 136; i += 2) {
    out[i] = cx + REFERENCE_SHAPE[i]! * scale;
    out[i + 1] = cy + REFERENCE_SHAPE[i + 1]! * scale;
  }
  return out;
}

describe('fer-framing', () => {
  it('frames a face so that its 48×48 crop has FER2013 median centroid and RMS radius', () => {
    const photoFace = face(900, 612.5, 301.25);
    const box = ferBoxFromLandmarks68(photoFace);
    expect(box.width).toBeCloseTo(box.height, 9);
    const inCrop = measureLandmarks68(pointsInCrop(photoFace, box));
    expect(inCrop.rmsRadius).toBeCloseTo(FER2013_FRAMING.rmsRadius, 4);
    expect(inCrop.centroid.x).toBeCloseTo(FER2013_FRAMING.centroid.x, 4);
    expect(inCrop.centroid.y).toBeCloseTo(FER2013_FRAMING.centroid.y, 4);
  });

  it('scales the box with the face and moves it with the face', () => {
    const small = ferBoxFromLandmarks68(face(300, 100, 100));
    const big = ferBoxFromLandmarks68(face(600, 100, 100));
    expect(big.width / small.width).toBeCloseTo(2, 5);
    const moved = ferBoxFromLandmarks68(face(300, 150, 80));
    expect(moved.x - small.x).toBeCloseTo(50, 3);
    expect(moved.y - small.y).toBeCloseTo(-20, 3);
  });

  it('frames from three keypoints with the eye midpoint and keypoint scale of FER2013', () => {
    const keypoints = keypointsFromLandmarks68(face(500, 320, 240));
    const box = ferBoxFromKeypoints(keypoints);
    const eyes = pointsInCrop([keypoints.rightEye.x, keypoints.rightEye.y, keypoints.leftEye.x, keypoints.leftEye.y], box);
    expect((eyes[0]! + eyes[2]!) / 2).toBeCloseTo(FER2013_FRAMING.eyeMid.x, 4);
    expect((eyes[1]! + eyes[3]!) / 2).toBeCloseTo(FER2013_FRAMING.eyeMid.y, 4);
    // On the reference face both framings agree to within a tenth of the crop.
    const byLandmarks = ferBoxFromLandmarks68(face(500, 320, 240));
    expect(Math.abs(box.width / byLandmarks.width - 1)).toBeLessThan(0.1);
    expect(Math.abs(box.x - byLandmarks.x) / box.width).toBeLessThan(0.1);
  });

  it('keypoints are the eye centres (36–41, 42–47) and the mouth-corner midpoint', () => {
    const l = new Float32Array(136);
    for (let i = 36; i < 42; i++) l.set([10 + (i - 36), 20], 2 * i);
    for (let i = 42; i < 48; i++) l.set([30, 20 + (i - 42)], 2 * i);
    l.set([18, 40], 96);
    l.set([28, 42], 108);
    const k = keypointsFromLandmarks68(l);
    expect(k.rightEye).toEqual({ x: 12.5, y: 20 });
    expect(k.leftEye).toEqual({ x: 30, y: 22.5 });
    expect(k.mouth).toEqual({ x: 23, y: 41 });
  });

  it('pointsInImage undoes pointsInCrop', () => {
    const box = { x: -12.5, y: 40, width: 180, height: 180 };
    const points = [0, 0, 47.5, 12.25, 100, 300];
    const back = pointsInImage(pointsInCrop(points, box), box);
    points.forEach((p, i) => expect(back[i]).toBeCloseTo(p, 3));
  });

  it('medians of measures are per field', () => {
    const m = [face(100, 10, 10), face(200, 20, 20), face(300, 30, 30)].map(measureLandmarks68);
    const median = medianMeasures(m);
    expect(median.centroid.x).toBeCloseTo(m[1]!.centroid.x, 9);
    expect(median.rmsRadius).toBeCloseTo(m[1]!.rmsRadius, 9);
    expect(() => medianMeasures([])).toThrow(/no faces/);
  });

  it('refuses landmarks that are not 68 finite points', () => {
    expect(() => ferBoxFromLandmarks68(new Float32Array(10))).toThrow(/expected 68 landmarks/);
    const bad = face(100, 50, 50);
    bad[7] = Number.NaN;
    expect(() => ferBoxFromLandmarks68(bad)).toThrow(/landmark 3 is not a finite number/);
    expect(() => ferBoxFromLandmarks68(new Float32Array(136))).toThrow(/face size must be > 0/);
  });
});
