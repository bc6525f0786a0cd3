import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import {
  drawMasks,
  FaceApiFaceFinder,
  FaceApiLandmarkDetector,
  frameFaces,
  maskSpecFor,
  readPhoto,
  type FaceBox,
  type FaceDetectorName,
  type FaceFinder,
  type FramedFace,
  type LandmarkDetector,
  type MaskSpec,
  type RgbImage,
} from '@fermx/data';
import { initBackend, predictProbabilities, shiftPrior, type BackendChoice, type ModelMetadata, type TestTimeAugmentation } from '@fermx/models';
import type { ClassPrior } from '../evaluation/class-prior-choice.js';
import { recordedPriorWeights } from '../saved-model/class-prior-weights.js';
import { loadSavedModel } from '../saved-model/load-saved-model.js';
import { recordedViews } from '../saved-model/recorded-views.js';
import { decideMask, type MaskDecision, type MaskMode } from './mask-decision.js';
import { resolveModel, type ResolvedModel } from './resolve-model.js';

/** One face of one photo: where it is, what the model saw, what it says. */
export interface FacePrediction {
  /** The detector's face box, image pixels (rounded). */
  box: FaceBox;
  detectorScore: number;
  /** The FER2013-framed square the 48×48 input was cut from (image pixels, may pass the edges). */
  crop: FaceBox;
  masked: boolean;
  probabilities: Record<string, number>;
  top: { label: string; probability: number };
}

export interface PredictorOptions {
  model: string;
  backend: BackendChoice;
  mask: MaskMode;
  detector?: FaceDetectorName;
  /** The detector's minimum score (default 0.5). */
  minScore?: number;
  /** Framing refinements (frameFaces' option; default 1). */
  refinements?: number;
  /** The class mix the probabilities are read under (default `trained`: the model's own). */
  classPrior?: ClassPrior;
  /** The views each face is read with (default: the ones the model records, as `fermx evaluate`). */
  tta?: TestTimeAugmentation;
  env: NodeJS.ProcessEnv;
}

/** The mask predict draws: one fixed, plain surgical mask (the builder's styles vary per row; a photo has no row). */
const PREDICT_MASK: MaskSpec = { ...maskSpecFor(2020, 0, ['surgical-white']), topOnBridge: 0.35, chinDrop: 0.06 };

const round = (box: FaceBox): FaceBox => ({ x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) });

/**
 * `fermx predict`'s pipeline, loaded once and run per photo: faces (face-api on wasm) → FER2013
 * framing → 48×48 grey → fermx's mask when the model was trained on masks → the model, read with
 * the test-time views its accuracy was measured with.
 */
export class Predictor {
  private constructor(
    readonly model: ResolvedModel,
    readonly metadata: ModelMetadata,
    readonly maskDecision: MaskDecision,
    readonly backend: string,
    private readonly net: tf.LayersModel,
    private readonly finder: FaceFinder,
    private readonly landmarks: LandmarkDetector,
    private readonly refinements: number,
    readonly classPrior: ClassPrior,
    private readonly classWeights: Float32Array | undefined,
    readonly tta: TestTimeAugmentation,
  ) {}

  static async load(options: PredictorOptions): Promise<Predictor> {
    const backend = await initBackend(options.backend);
    const model = await resolveModel(options.model, options.env);
    const { model: net, metadata } = await loadSavedModel(model.uri, options.env);
    const classPrior = options.classPrior ?? 'trained';
    let classWeights: Float32Array | undefined;
    let tta: TestTimeAugmentation;
    try {
      classWeights = classPrior === 'uncapped' ? recordedPriorWeights(options.model, metadata) : undefined;
      tta = options.tta ?? recordedViews(options.model, metadata);
    } catch (error) {
      net.dispose();
      throw error;
    }
    const maskDecision = decideMask(options.mask, { ...model, classes: metadata.classes });
    const finder = await FaceApiFaceFinder.load({
      detector: options.detector ?? 'ssd',
      ...(options.minScore !== undefined ? { minScore: options.minScore } : {}),
    });
    const landmarks = await FaceApiLandmarkDetector.load();
    return new Predictor(model, metadata, maskDecision, backend.name, net, finder, landmarks, options.refinements ?? 1, classPrior, classWeights, tta);
  }

  get classes(): readonly string[] {
    return this.metadata.classes;
  }

  /** Faces of one decoded photo, left to right. */
  async predictPhoto(photo: RgbImage): Promise<FacePrediction[]> {
    return this.classify(await this.frame(photo));
  }

  /** The 48×48 inputs the model sees for these faces (masked when the decision says so). */
  async modelInputs(faces: readonly FramedFace[]): Promise<Uint8Array[]> {
    if (!this.maskDecision.draw || faces.length === 0) return faces.map((f) => f.pixels);
    return drawMasks(
      faces.map((f) => f.pixels),
      faces.map((f) => f.landmarks),
      faces.map(() => PREDICT_MASK),
    );
  }

  async classify(faces: readonly FramedFace[]): Promise<FacePrediction[]> {
    if (faces.length === 0) return [];
    const inputs = await this.modelInputs(faces);
    const probabilities = await this.probabilities(inputs);
    return faces.map((face, i) => {
      const p = probabilities[i]!;
      const byClass = Object.fromEntries(this.classes.map((label, c) => [label, Number(p[c]!.toFixed(6))]));
      let best = 0;
      for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
      return {
        box: round(face.detection),
        detectorScore: Number(face.score.toFixed(4)),
        crop: round(face.box),
        masked: this.maskDecision.draw,
        probabilities: byClass,
        top: { label: this.classes[best]!, probability: Number(p[best]!.toFixed(6)) },
      };
    });
  }

  /** Softmax outputs for 48×48 grey inputs (bytes /255, as in training), averaged over the views and under the class prior asked for. */
  async probabilities(inputs: readonly Uint8Array[]): Promise<Float32Array[]> {
    if (inputs.length === 0) return [];
    const side = 48;
    const pixels = new Float32Array(inputs.length * side * side);
    inputs.forEach((input, b) => {
      for (let p = 0; p < input.length; p++) pixels[b * side * side + p] = input[p]! / 255;
    });
    const output = tf.tidy(() => {
      const softmax = predictProbabilities(this.net, tf.tensor4d(pixels, [inputs.length, side, side, 1]), this.tta);
      return this.classWeights ? shiftPrior(softmax, this.classWeights) : softmax;
    });
    const values = (await output.data()) as Float32Array;
    output.dispose();
    const classes = this.classes.length;
    return inputs.map((_, b) => values.slice(b * classes, (b + 1) * classes));
  }

  /** Faces found and framed in a photo, without classifying them (benches, the framing check). */
  frame(photo: RgbImage): Promise<FramedFace[]> {
    return frameFaces(photo, this.finder, this.landmarks, { refinements: this.refinements });
  }

  async dispose(): Promise<void> {
    this.net.dispose();
    await this.finder.dispose();
    await this.landmarks.dispose();
  }
}

/** Reads and decodes one file; PhotoError names it when it is not an image. */
export async function readPhotoFile(path: string): Promise<RgbImage> {
  return readPhoto(await readFile(path), path);
}
