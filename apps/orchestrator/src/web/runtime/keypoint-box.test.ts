import { describe, expect, it } from 'vitest';
import { ferBoxFromKeypoints, type FaceKeypoints } from '@fermx/data';
import { keypointBox, plausibleRefinement } from './keypoint-box.js';

/** Keypoints of an upright face, then the same face turned by `degrees` about its eye midpoint. */
function face(degrees: number): FaceKeypoints {
  const eye = { x: 500, y: 400 };
  const turn = (x: number, y: number) => {
    const r = (degrees * Math.PI) / 180;
    return { x: eye.x + x * Math.cos(r) - y * Math.sin(r), y: eye.y + x * Math.sin(r) + y * Math.cos(r) };
  };
  return { rightEye: turn(-40, 0), leftEye: turn(40, 0), mouth: turn(0, 90) };
}

const centre = (b: { x: number; y: number; width: number; height: number }) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

describe('keypointBox', () => {
  it('is ferBoxFromKeypoints for an upright face', () => {
    const box = keypointBox(face(0));
    const reference = ferBoxFromKeypoints(face(0));
    for (const k of ['x', 'y', 'width', 'height'] as const) expect(box[k]).toBeCloseTo(reference[k], 6);
  });

  it('turns the box centre with the head, keeping its size and its distance from the eyes', () => {
    const upright = keypointBox(face(0));
    const tilted = keypointBox(face(40));
    expect(tilted.width).toBeCloseTo(upright.width, 6);
    const eye = { x: 500, y: 400 };
    const u = centre(upright);
    const t = centre(tilted);
    expect(Math.hypot(t.x - eye.x, t.y - eye.y)).toBeCloseTo(Math.hypot(u.x - eye.x, u.y - eye.y), 6);
    // The face hangs down-left of the eyes when the head tilts clockwise (image y down): the box follows.
    const angle = (Math.atan2(t.y - eye.y, t.x - eye.x) - Math.atan2(u.y - eye.y, u.x - eye.x)) * (180 / Math.PI);
    expect(angle).toBeCloseTo(40, 6);
    // ferBoxFromKeypoints alone leaves it where an upright face would be: that is what this fixes.
    const plain = centre(ferBoxFromKeypoints(face(40)));
    expect(Math.hypot(plain.x - t.x, plain.y - t.y)).toBeGreaterThan(upright.width * 0.05);
  });
});

describe('plausibleRefinement', () => {
  const box = { x: 100, y: 100, width: 200, height: 200 };
  it('keeps a refinement near the box', () => {
    expect(plausibleRefinement(box, { x: 120, y: 90, width: 230, height: 230 })).toBe(true);
  });
  it('refuses one that shrinks onto a part of the face, grows past it, or moves off it', () => {
    expect(plausibleRefinement(box, { x: 180, y: 150, width: 60, height: 60 })).toBe(false);
    expect(plausibleRefinement(box, { x: 0, y: 0, width: 320, height: 320 })).toBe(false);
    expect(plausibleRefinement(box, { x: 230, y: 100, width: 200, height: 200 })).toBe(false);
  });
});
