import { describe, expect, it } from 'vitest';
import { templateDetector } from '../testing/synthetic-fer2013.js';
import { faceGeometry, shapeResidual } from './face-geometry.js';
import { REFERENCE_SHAPE } from './reference-shape.js';

const frontal = async () => (await templateDetector().detect([new Uint8Array(2304)]))[0]!;

describe('faceGeometry', () => {
  it('sees the reference face as frontal, upright, perfectly fitting', async () => {
    const g = faceGeometry(await frontal(), REFERENCE_SHAPE);
    expect(Math.abs(g.yaw)).toBeLessThan(5);
    expect(Math.abs(g.roll)).toBeLessThan(5);
    expect(g.shapeResidual).toBeLessThan(1e-3);
    expect(g.size).toBeGreaterThan(13);
    expect(g.outside).toBe(0);
  });

  it('ignores rotation and scale in the shape fit, and measures roll', async () => {
    const l = await frontal();
    const turned = new Float32Array(136);
    const a = (20 * Math.PI) / 180;
    for (let i = 0; i < 68; i++) {
      const x = l[2 * i]! - 24;
      const y = l[2 * i + 1]! - 24;
      turned[2 * i] = 24 + 0.8 * (Math.cos(a) * x - Math.sin(a) * y);
      turned[2 * i + 1] = 24 + 0.8 * (Math.sin(a) * x + Math.cos(a) * y);
    }
    const g = faceGeometry(turned, REFERENCE_SHAPE);
    expect(g.shapeResidual).toBeLessThan(1e-3);
    expect(g.roll).toBeCloseTo(20 + faceGeometry(l, REFERENCE_SHAPE).roll, 0);
  });

  it('estimates yaw from the nose moving towards one jaw end', async () => {
    const l = await frontal();
    const moved = l.slice();
    // Shift the nose and the near half of the face towards the right jaw end.
    for (let i = 27; i < 36; i++) moved[2 * i] = moved[2 * i]! + 6;
    const g = faceGeometry(moved, REFERENCE_SHAPE);
    expect(g.yaw).toBeGreaterThan(10);
    const other = l.slice();
    for (let i = 27; i < 36; i++) other[2 * i] = other[2 * i]! - 6;
    expect(faceGeometry(other, REFERENCE_SHAPE).yaw).toBeLessThan(-10);
    expect(shapeResidual(moved, REFERENCE_SHAPE)).toBeGreaterThan(0.05);
  });
});
