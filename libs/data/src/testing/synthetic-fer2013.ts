import { FERPLUS_COLUMNS } from '../fer2013/emotions.js';
import type { LandmarkDetector, Landmarks68 } from '../landmarks/landmark-detector.js';
import { REFERENCE_SHAPE } from '../landmarks/reference-shape.js';
import { mulberry32 } from '../masking/random.js';

/**
 * Generated inputs for tests and demos without the real FER2013: a Kaggle-layout CSV with
 * textured images and a FER+ file in the same row order, plus a detector that places the
 * reference face in every crop (so tests need not load the landmark net).
 */
export interface SyntheticRow {
  emotion: number;
  usage: string;
  /** FER+ votes in FERPLUS_COLUMNS order. */
  votes: number[];
}

const FER_TO_FERPLUS: Record<number, number> = { 0: 4, 1: 5, 2: 6, 3: 1, 4: 3, 5: 2, 6: 0 };

export function syntheticRows(count: number, seed = 1, usages: string[] = ['Training']): SyntheticRow[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => {
    const emotion = Math.floor(random() * 7);
    const votes = new Array<number>(FERPLUS_COLUMNS.length).fill(0);
    votes[FER_TO_FERPLUS[emotion]!] = 7 + Math.floor(random() * 4);
    votes[8] = 10 - votes[FER_TO_FERPLUS[emotion]!]!;
    return { emotion, usage: usages[i % usages.length]!, votes };
  });
}

export function syntheticPixels(seed: number): string {
  const random = mulberry32(seed);
  const values: number[] = [];
  for (let y = 0; y < 48; y++) for (let x = 0; x < 48; x++) values.push(Math.min(255, Math.floor(80 + 60 * Math.sin(x / 3 + seed) + 50 * random())));
  return values.join(' ');
}

export function syntheticFer2013Csv(rows: readonly SyntheticRow[]): string {
  return ['emotion,pixels,Usage', ...rows.map((r, i) => `${r.emotion},${syntheticPixels(i + 1)},${r.usage}`)].join('\n') + '\n';
}

export function syntheticFerPlusCsv(rows: readonly SyntheticRow[]): string {
  const header = 'Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF';
  return [header, ...rows.map((r, i) => `${r.usage},fer${String(i).padStart(7, '0')}.png,${r.votes.join(',')}`)].join('\n') + '\n';
}

/** A LandmarkDetector that puts the reference face, frontal and centred, in every crop. */
export function templateDetector(): LandmarkDetector & { calls: number } {
  const scale = 14.5 * Math.sqrt(68);
  const shape = new Float32Array(136);
  for (let i = 0; i < 68; i++) {
    shape[2 * i] = 24 + REFERENCE_SHAPE[2 * i]! * scale;
    shape[2 * i + 1] = 25 + REFERENCE_SHAPE[2 * i + 1]! * scale;
  }
  return {
    name: 'template',
    calls: 0,
    async detect(images: readonly Uint8Array[]): Promise<Landmarks68[]> {
      this.calls++;
      return images.map(() => shape.slice());
    },
    async dispose() {},
  };
}
