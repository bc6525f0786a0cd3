import type { Landmarks68 } from './landmark-detector.js';

/** Measurements the quality filters threshold; all derived from the 68 landmarks alone. */
export interface FaceGeometry {
  /** Estimated head turn in degrees (0 = frontal; sign: positive when the nose points to image right). */
  yaw: number;
  /** In-plane tilt in degrees, from the eye line. */
  roll: number;
  /** Shape-fit residual against the reference face (0 = perfect, 1 = unrelated), scale-free. */
  shapeResidual: number;
  /** RMS distance of the points from their centroid, in pixels (face size). */
  size: number;
  /** Points farther than 10 % of the crop outside it. */
  outside: number;
}

function mean(l: Landmarks68, from: number, to: number): { x: number; y: number } {
  let x = 0;
  let y = 0;
  for (let i = from; i < to; i++) {
    x += l[2 * i]!;
    y += l[2 * i + 1]!;
  }
  return { x: x / (to - from), y: y / (to - from) };
}

/**
 * Residual of the best similarity transform mapping `shape` onto `reference`: with both
 * centred and scaled to unit norm as complex vectors a, b it is sqrt(1 - |<a, b>|²).
 */
export function shapeResidual(shape: Landmarks68, reference: ArrayLike<number>): number {
  const n = shape.length / 2;
  const ca = mean(shape, 0, n);
  let rx = 0;
  let ry = 0;
  for (let i = 0; i < n; i++) {
    rx += reference[2 * i]!;
    ry += reference[2 * i + 1]!;
  }
  rx /= n;
  ry /= n;
  let na = 0;
  let nb = 0;
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    const ax = shape[2 * i]! - ca.x;
    const ay = shape[2 * i + 1]! - ca.y;
    const bx = reference[2 * i]! - rx;
    const by = reference[2 * i + 1]! - ry;
    na += ax * ax + ay * ay;
    nb += bx * bx + by * by;
    // conj(a) * b
    re += ax * bx + ay * by;
    im += ax * by - ay * bx;
  }
  if (na === 0 || nb === 0) return 1;
  const fit = (re * re + im * im) / (na * nb);
  return Math.sqrt(Math.max(0, 1 - fit));
}

export function faceGeometry(l: Landmarks68, reference: ArrayLike<number>, side = 48): FaceGeometry {
  const leftEye = mean(l, 36, 42);
  const rightEye = mean(l, 42, 48);
  let ux = rightEye.x - leftEye.x;
  let uy = rightEye.y - leftEye.y;
  const eyeDistance = Math.hypot(ux, uy) || 1;
  ux /= eyeDistance;
  uy /= eyeDistance;
  const nose = { x: l[60]!, y: l[61]! };
  const jawLeft = { x: l[0]!, y: l[1]! };
  const jawRight = { x: l[32]!, y: l[33]! };
  // Distances from the nose tip to both jaw ends along the eye line: equal when frontal.
  const dl = (nose.x - jawLeft.x) * ux + (nose.y - jawLeft.y) * uy;
  const dr = (jawRight.x - nose.x) * ux + (jawRight.y - nose.y) * uy;
  const ratio = dl + dr > 0 ? (dl - dr) / (dl + dr) : 1;
  const yaw = (Math.asin(Math.max(-1, Math.min(1, ratio))) * 180) / Math.PI;
  const roll = (Math.atan2(uy, ux) * 180) / Math.PI;
  const c = mean(l, 0, 68);
  let sq = 0;
  let outside = 0;
  const margin = side * 0.1;
  for (let i = 0; i < 68; i++) {
    const x = l[2 * i]!;
    const y = l[2 * i + 1]!;
    sq += (x - c.x) ** 2 + (y - c.y) ** 2;
    if (x < -margin || y < -margin || x > side + margin || y > side + margin) outside++;
  }
  return { yaw, roll, shapeResidual: shapeResidual(l, reference), size: Math.sqrt(sq / 68), outside };
}
