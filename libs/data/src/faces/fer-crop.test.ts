import { describe, expect, it } from 'vitest';
import { ferCrop, greyscale } from './fer-crop.js';

const ramp = (width: number, height: number) => ({ width, height, data: Uint8Array.from({ length: width * height }, (_, i) => (i % width) * 2) });

describe('ferCrop', () => {
  it('returns the image itself for a 48×48 image and the box that covers it', () => {
    const image = { width: 48, height: 48, data: Uint8Array.from({ length: 2304 }, (_, i) => (i * 37) % 256) };
    expect(ferCrop(image, { x: 0, y: 0, width: 48, height: 48 })).toEqual(image.data);
  });

  it('area-averages when shrinking: a 2×2 checkerboard becomes flat grey', () => {
    const data = new Uint8Array(96 * 96);
    for (let y = 0; y < 96; y++) for (let x = 0; x < 96; x++) data[y * 96 + x] = (x + y) % 2 ? 255 : 0;
    const crop = ferCrop({ width: 96, height: 96, data }, { x: 0, y: 0, width: 96, height: 96 });
    for (const v of crop) expect(Math.abs(v - 127.5)).toBeLessThanOrEqual(1);
  });

  it('repeats the edge pixels outside the image', () => {
    const image = ramp(48, 48);
    const crop = ferCrop(image, { x: -48, y: 0, width: 48, height: 48 });
    for (const v of crop) expect(v).toBe(0);
    const right = ferCrop(image, { x: 100, y: 0, width: 48, height: 48 });
    for (const v of right) expect(v).toBe(94);
  });

  it('follows the box: the right half of a ramp is brighter than the left half', () => {
    const image = ramp(100, 60);
    const left = ferCrop(image, { x: 0, y: 0, width: 48, height: 48 });
    const right = ferCrop(image, { x: 50, y: 0, width: 48, height: 48 });
    expect(right[24 * 48 + 24]! - left[24 * 48 + 24]!).toBe(100);
  });

  it('refuses an empty box or a short image', () => {
    expect(() => ferCrop(ramp(10, 10), { x: 0, y: 0, width: 0, height: 0 })).toThrow(/positive size/);
    expect(() => ferCrop({ width: 10, height: 10, data: new Uint8Array(5) }, { x: 0, y: 0, width: 5, height: 5 })).toThrow(/5 bytes for 10×10/);
  });
});

describe('greyscale', () => {
  it('uses BT.601 luma on RGB and RGBA', () => {
    expect([...greyscale([255, 0, 0, 0, 255, 0, 0, 0, 255], 3, 1, 3).data]).toEqual([76, 150, 29]);
    expect([...greyscale([10, 10, 10, 0], 1, 1, 4).data]).toEqual([10]);
    expect(() => greyscale([1, 2], 1, 1, 3)).toThrow(/expected 1×1×3 = 3 values, got 2/);
  });
});
