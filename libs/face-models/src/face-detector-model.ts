import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildModelMetadata, METADATA_BUFFER_NAME, type ModelMetadataSpec } from './model-metadata.js';
import { readTfliteModel, withMetadataBuffer, type TfliteModelInfo } from './tflite-model.js';

const require = createRequire(import.meta.url);

/** The npm package that ships BlazeFace (short range), and the file inside it. */
export const FACE_DETECTION_PACKAGE = '@mediapipe/face_detection';
export const SHORT_RANGE_FILE = 'face_detection_short_range.tflite';

export function shortRangeDetectorPath(): string {
  return join(dirname(require.resolve(`${FACE_DETECTION_PACKAGE}/package.json`)), SHORT_RANGE_FILE);
}

function packageVersion(): string {
  return (require(`${FACE_DETECTION_PACKAGE}/package.json`) as { version: string }).version;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Checks the model is the BlazeFace short-range detector the metadata describes. */
function assertShortRangeDetector(info: TfliteModelInfo, source: string): void {
  const [input] = info.inputs;
  const shapes = info.outputs.map((o) => o.shape);
  const ok =
    info.inputs.length === 1 &&
    input?.type === 'float32' &&
    sameShape(input.shape, [1, 128, 128, 3]) &&
    info.outputs.length === 2 &&
    shapes.some((s) => sameShape(s, [1, 896, 16])) &&
    shapes.some((s) => sameShape(s, [1, 896, 1]));
  if (!ok) {
    const describe = (t: { name: string; shape: number[]; type: string }) => `${t.name} ${t.type}[${t.shape.join(',')}]`;
    throw new Error(
      `${source}: expected BlazeFace short range (float32[1,128,128,3] → [1,896,16], [1,896,1]), got ${info.inputs.map(describe).join(', ')} → ${info.outputs.map(describe).join(', ')}`,
    );
  }
}

/**
 * The TFLite metadata MediaPipe Tasks' FaceDetector needs for BlazeFace short range: an RGB image
 * input normalized to [-1, 1] ((x − 127.5) / 127.5, as MediaPipe's own face detection graph
 * feeds it), and the two outputs (896 anchors × 16 box/keypoint regressors, 896 scores).
 */
export function shortRangeDetectorMetadata(info: TfliteModelInfo, version: string): ModelMetadataSpec {
  const output = (shape: number[]) => info.outputs.find((o) => sameShape(o.shape, shape))!.name;
  return {
    name: 'BlazeFace (short range)',
    description: 'Detects faces up to ~2 m from the camera: boxes and 6 keypoints (eyes, nose tip, mouth, ear tragions).',
    version: `${FACE_DETECTION_PACKAGE}@${version}`,
    author: 'Google (model); metadata written by fermx',
    license: 'Apache License 2.0',
    inputs: [
      {
        name: info.inputs[0]!.name,
        description: 'RGB image, 128×128, values (x − 127.5) / 127.5.',
        content: { kind: 'image', colorSpace: 'rgb' },
        normalization: { mean: [127.5], std: [127.5] },
        range: { min: [-1], max: [1] },
      },
    ],
    outputs: info.outputs.map((o) => ({
      name: o.name,
      description: o.name === output([1, 896, 16]) ? 'Per anchor: box centre/size offsets and 6 keypoints (x, y).' : 'Per anchor: face score (logit).',
      content: { kind: 'feature' as const },
    })),
  };
}

/**
 * BlazeFace short range from `@mediapipe/face_detection`, with the TFLite metadata that
 * `@mediapipe/tasks-vision` requires of a float model. Pure and deterministic: the same npm file
 * gives the same bytes, so it is built where it is served, never stored.
 */
export function shortRangeDetectorWithMetadata(model: Uint8Array = readFileSync(shortRangeDetectorPath()), version = packageVersion()): Uint8Array {
  const info = readTfliteModel(model, SHORT_RANGE_FILE);
  assertShortRangeDetector(info, SHORT_RANGE_FILE);
  return withMetadataBuffer(model, METADATA_BUFFER_NAME, buildModelMetadata(shortRangeDetectorMetadata(info, version)), SHORT_RANGE_FILE);
}
