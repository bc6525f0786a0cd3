import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LandmarkDetector, Landmarks68 } from './landmark-detector.js';

const require = createRequire(import.meta.url);

interface Tensor {
  dispose(): void;
}
interface Tf {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  tensor4d(values: Float32Array, shape: [number, number, number, number]): Tensor;
  tidy<T>(fn: () => T): T;
  env(): { set(flag: string, value: unknown): void };
}
interface Point {
  x: number;
  y: number;
}
interface LandmarkNet {
  loadFromDisk(dir: string): Promise<void>;
  detectLandmarks(input: Tensor[]): Promise<{ positions: Point[] } | Array<{ positions: Point[] }>>;
  dispose(): void;
}
interface FaceApi {
  tf: Tf;
  nets: { faceLandmark68Net: LandmarkNet; faceLandmark68TinyNet: LandmarkNet };
}

export type FaceApiModel = 'face_landmark_68' | 'face_landmark_68_tiny';

/** Where @vladmandic/face-api keeps its weights inside the npm package. */
export function faceApiModelDir(): string {
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

/**
 * The 68-point landmark net shipped inside `@vladmandic/face-api`, on tfjs's wasm backend
 * (face-api's node-wasm build; weights read from disk, no network, no tfjs-node). Each grey
 * crop is fed as a 3-channel tensor; face-api upscales it to the net's 112×112 input.
 */
export class FaceApiLandmarkDetector implements LandmarkDetector {
  readonly name: string;

  private constructor(
    private readonly faceapi: FaceApi,
    private readonly net: LandmarkNet,
    model: FaceApiModel,
  ) {
    this.name = `face-api/${model}`;
  }

  static async load(options: { model?: FaceApiModel; modelDir?: string } = {}): Promise<FaceApiLandmarkDetector> {
    const model = options.model ?? 'face_landmark_68';
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    const tf = faceapi.tf;
    if (tf.getBackend() !== 'wasm') {
      if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
    }
    await tf.ready();
    const net = model === 'face_landmark_68' ? faceapi.nets.faceLandmark68Net : faceapi.nets.faceLandmark68TinyNet;
    await net.loadFromDisk(options.modelDir ?? faceApiModelDir());
    return new FaceApiLandmarkDetector(faceapi, net, model);
  }

  async detect(images: readonly Uint8Array[]): Promise<Landmarks68[]> {
    if (images.length === 0) return [];
    const tf = this.faceapi.tf;
    const side = 48;
    const inputs = images.map((image) => {
      if (image.length !== side * side) throw new Error(`landmark detector: expected ${side * side} grey pixels, got ${image.length}`);
      const rgb = new Float32Array(side * side * 3);
      for (let i = 0; i < image.length; i++) {
        const v = image[i]!;
        rgb[3 * i] = v;
        rgb[3 * i + 1] = v;
        rgb[3 * i + 2] = v;
      }
      return tf.tensor4d(rgb, [1, side, side, 3]);
    });
    try {
      const result = await this.net.detectLandmarks(inputs);
      const list = Array.isArray(result) ? result : [result];
      return list.map(({ positions }) => {
        const out = new Float32Array(136);
        positions.forEach((p, i) => {
          out[2 * i] = p.x;
          out[2 * i + 1] = p.y;
        });
        return out;
      });
    } finally {
      for (const t of inputs) t.dispose();
    }
  }

  async dispose(): Promise<void> {
    this.net.dispose();
  }
}
