import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shortRangeDetectorPath, shortRangeDetectorWithMetadata } from './face-detector-model.js';
import { METADATA_BUFFER_NAME, readModelMetadata } from './model-metadata.js';
import { readTfliteModel, withMetadataBuffer } from './tflite-model.js';

const original = readFileSync(shortRangeDetectorPath());

describe('BlazeFace short range with TFLite metadata', () => {
  const built = shortRangeDetectorWithMetadata(original, '0.4.1657300184');
  const info = readTfliteModel(built);
  const entry = info.metadata.find((m) => m.name === METADATA_BUFFER_NAME);

  it('starts from an npm file that has no metadata (why fermx writes it)', () => {
    expect(readTfliteModel(original).metadata.map((m) => m.name)).not.toContain(METADATA_BUFFER_NAME);
  });

  it('keeps the model: same subgraph inputs/outputs, every original buffer, one more for the metadata', () => {
    const before = readTfliteModel(original);
    expect(info.inputs).toEqual([{ name: 'input', shape: [1, 128, 128, 3], type: 'float32' }]);
    expect(info.outputs).toEqual([
      { name: 'regressors', shape: [1, 896, 16], type: 'float32' },
      { name: 'classificators', shape: [1, 896, 1], type: 'float32' },
    ]);
    expect(info.bufferCount).toBe(before.bufferCount + 1);
    expect(entry?.buffer).toBe(before.bufferCount);
    // The original file is carried whole, 16-byte aligned, so every weight buffer keeps its alignment.
    const at = built.length - original.length;
    expect(at % 16).toBe(0);
    expect(Buffer.from(built.subarray(at)).equals(original)).toBe(true);
  });

  it('parses back with the normalization tasks-vision requires and the detector input/output metadata', () => {
    expect(entry).toBeDefined();
    const data = entry!.data;
    expect(data.byteOffset % 16).toBe(0);
    const metadata = readModelMetadata(data);
    expect(metadata.minParserVersion).toBe('1.0.0');
    expect(metadata.version).toBe('@mediapipe/face_detection@0.4.1657300184');
    expect(metadata.inputs).toHaveLength(1);
    expect(metadata.inputs[0]).toMatchObject({
      name: 'input',
      content: { kind: 'image', colorSpace: 'rgb' },
      normalization: { mean: [127.5], std: [127.5] },
      range: { min: [-1], max: [1] },
    });
    expect(metadata.outputs.map((o) => [o.name, o.content.kind])).toEqual([
      ['regressors', 'feature'],
      ['classificators', 'feature'],
    ]);
  });

  it('is reproducible: building twice gives the same bytes', () => {
    expect(Buffer.from(shortRangeDetectorWithMetadata(original, '0.4.1657300184')).equals(Buffer.from(built))).toBe(true);
  });

  it('replaces, not duplicates, an existing metadata entry of the same name', () => {
    const again = withMetadataBuffer(built, METADATA_BUFFER_NAME, new Uint8Array([9, 9, 9, 9, 77, 48, 48, 49]));
    const entries = readTfliteModel(again).metadata.filter((m) => m.name === METADATA_BUFFER_NAME);
    expect(entries).toHaveLength(1);
    expect(Array.from(entries[0]!.data)).toEqual([9, 9, 9, 9, 77, 48, 48, 49]);
    expect(readTfliteModel(again).inputs).toEqual(info.inputs);
  });

  it('names the file when the input is not a TFLite model, or not this detector', () => {
    expect(() => shortRangeDetectorWithMetadata(new Uint8Array(64))).toThrow(/face_detection_short_range\.tflite: not a TFLite model/);
    const fullRange = readFileSync(shortRangeDetectorPath().replace('short_range', 'full_range'));
    expect(() => shortRangeDetectorWithMetadata(fullRange)).toThrow(/expected BlazeFace short range.*float32\[1,192,192,3\]/);
  });
});
