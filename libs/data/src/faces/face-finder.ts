import { createRequire } from 'node:module';
import { faceApiModelDir } from '../landmarks/face-api-detector.js';
import type { FaceBox } from './fer-framing.js';
import type { RgbImage } from './photo.js';

const require = createRequire(import.meta.url);

/** A face found in a photo: the detector's box and score, and 68 landmarks in image pixels. */
export interface FoundFace {
  box: FaceBox;
  score: number;
  landmarks: Float32Array;
}

/** Finds every face in an RGB photo. */
export interface FaceFinder {
  readonly name: string;
  find(image: RgbImage): Promise<FoundFace[]>;
  dispose(): Promise<void>;
}

export const FACE_DETECTORS = ['ssd', 'tiny'] as const;
export type FaceDetectorName = (typeof FACE_DETECTORS)[number];

interface Tensor {
  dispose(): void;
}
interface Detection {
  detection: { score: number; box: { x: number; y: number; width: number; height: number } };
  landmarks: { positions: { x: number; y: number }[] };
}
interface Net {
  loadFromDisk(dir: string): Promise<void>;
  isLoaded: boolean;
}
interface FaceApi {
  tf: {
    setBackend(name: string): Promise<boolean>;
    ready(): Promise<void>;
    getBackend(): string;
    tensor3d(values: Uint8Array, shape: [number, number, number], dtype: 'int32'): Tensor;
  };
  nets: { ssdMobilenetv1: Net; tinyFaceDetector: Net; faceLandmark68Net: Net };
  SsdMobilenetv1Options: new (options: { minConfidence: number; maxResults: number }) => unknown;
  TinyFaceDetectorOptions: new (options: { inputSize: number; scoreThreshold: number }) => unknown;
  detectAllFaces(input: Tensor, options: unknown): { withFaceLandmarks(): Promise<Detection[]> };
}

/**
 * Face detection with the detectors `@vladmandic/face-api` ships in its npm package (SSD
 * MobileNet v1, default, or the tiny face detector), then its 68-point landmark net on each face,
 * on tfjs' wasm backend in Node (weights read from node_modules, no network).
 */
export class FaceApiFaceFinder implements FaceFinder {
  readonly name: string;

  private constructor(
    private readonly faceapi: FaceApi,
    private readonly detector: FaceDetectorName,
    private readonly minScore: number,
  ) {
    this.name = `face-api/${detector === 'ssd' ? 'ssd_mobilenetv1' : 'tiny_face_detector'}+face_landmark_68`;
  }

  static async load(options: { detector?: FaceDetectorName; minScore?: number; modelDir?: string } = {}): Promise<FaceApiFaceFinder> {
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    if (faceapi.tf.getBackend() !== 'wasm' && !(await faceapi.tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
    await faceapi.tf.ready();
    const detector = options.detector ?? 'ssd';
    const dir = options.modelDir ?? faceApiModelDir();
    const net = detector === 'ssd' ? faceapi.nets.ssdMobilenetv1 : faceapi.nets.tinyFaceDetector;
    if (!net.isLoaded) await net.loadFromDisk(dir);
    if (!faceapi.nets.faceLandmark68Net.isLoaded) await faceapi.nets.faceLandmark68Net.loadFromDisk(dir);
    return new FaceApiFaceFinder(faceapi, detector, options.minScore ?? 0.5);
  }

  async find(image: RgbImage): Promise<FoundFace[]> {
    const { faceapi } = this;
    const options =
      this.detector === 'ssd'
        ? new faceapi.SsdMobilenetv1Options({ minConfidence: this.minScore, maxResults: 100 })
        : new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: this.minScore });
    const input = faceapi.tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    try {
      const found = await faceapi.detectAllFaces(input, options).withFaceLandmarks();
      return found
        .map(({ detection, landmarks }) => {
          const points = new Float32Array(136);
          landmarks.positions.forEach((p, i) => {
            points[2 * i] = p.x;
            points[2 * i + 1] = p.y;
          });
          const { x, y, width, height } = detection.box;
          return { box: { x, y, width, height }, score: detection.score, landmarks: points };
        })
        .sort((a, b) => a.box.x - b.box.x || a.box.y - b.box.y);
    } finally {
      input.dispose();
    }
  }

  async dispose(): Promise<void> {
    // The nets stay loaded in face-api's module (shared by every finder in the process).
  }
}
