import { itRequiring, SHARED_FER2013, sharedDataPath } from '@fermx/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSource } from '../fer2013/source-reader.js';
import { faceGeometry } from './face-geometry.js';
import { FaceApiLandmarkDetector } from './face-api-detector.js';
import { REFERENCE_SHAPE } from './reference-shape.js';

// The real FER2013 beside the checkout (never copied into the repo): CI has it, so there a missing
// file fails the test; elsewhere the test skips, saying so.
const shared = sharedDataPath(SHARED_FER2013.csv);
const missingShared = shared ? undefined : `the real FER2013 is not beside the checkout (../shared/data/${SHARED_FER2013.csv})`;

describe('FaceApiLandmarkDetector (face-api landmark net on tfjs-wasm)', () => {
  let detector: FaceApiLandmarkDetector;
  beforeAll(async () => {
    detector = await FaceApiLandmarkDetector.load();
  });
  afterAll(() => detector?.dispose());

  it('finds a face layout on a synthetic face and rejects wrong input sizes', async () => {
    // A crude face: light oval, dark eyes and mouth. The net must place eyes above the mouth.
    const img = new Uint8Array(2304).fill(40);
    for (let y = 0; y < 48; y++) for (let x = 0; x < 48; x++) if (((x - 24) / 17) ** 2 + ((y - 25) / 21) ** 2 < 1) img[y * 48 + x] = 190;
    const dark = (cx: number, cy: number, rx: number, ry: number) => {
      for (let y = 0; y < 48; y++) for (let x = 0; x < 48; x++) if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1) img[y * 48 + x] = 30;
    };
    dark(17, 19, 3, 2);
    dark(31, 19, 3, 2);
    dark(24, 35, 6, 2);
    const [l] = await detector.detect([img]);
    expect(l).toHaveLength(136);
    const eyeY = (l![2 * 37 + 1]! + l![2 * 44 + 1]!) / 2;
    expect(eyeY).toBeLessThan(l![2 * 62 + 1]!);
    expect(l![2 * 36]!).toBeLessThan(l![2 * 45]!);
    await expect(detector.detect([new Uint8Array(10)])).rejects.toThrow(/expected 2304 grey pixels/);
  });

  itRequiring(
    missingShared,
    'gives plausible, mostly frontal landmarks on real FER2013 faces, batched',
    async () => {
      const faces: Uint8Array[] = [];
      for await (const item of readSource({ source: shared!, limit: 12 })) if ('row' in item) faces.push(item.row.pixels);
      const batch = await detector.detect(faces);
      const single = await detector.detect([faces[3]!]);
      expect(batch).toHaveLength(12);
      // Batching must not change a face's result.
      for (let i = 0; i < 136; i++) expect(batch[3]![i]).toBeCloseTo(single[0]![i]!, 1);
      const geometry = batch.map((l) => faceGeometry(l, REFERENCE_SHAPE));
      expect(geometry.filter((g) => g.shapeResidual < 0.35 && g.outside === 0).length).toBeGreaterThanOrEqual(9);
      for (const l of batch) expect(l[2 * 30 + 1]!).toBeLessThan(l[2 * 8 + 1]!); // nose above chin
    },
    undefined,
    { outsideCi: 'skip' },
  );
});
