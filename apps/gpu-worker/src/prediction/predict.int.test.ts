import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runKeys } from '@fermx/contracts';
import { exampleTrialResult, exampleTrialSpec } from '@fermx/contracts/testing';
import { readSource } from '@fermx/data';
import { composeFaceCanvas, encodePhoto } from '@fermx/data/testing';
import { runCliCaptured, SHARED_FER2013, sharedDataPath } from '@fermx/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../main.js';

const require = createRequire(import.meta.url);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** The committed FER2013 model (7 classes, unmasked; models/README.md). */
const MODEL = join(repoRoot, 'models', 'fer2013-m-xception');
/** A group photo face-api ships in its npm package: three people. */
const GROUP_PHOTO = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg');

interface PredictJson {
  classes: string[];
  mask: { draw: boolean; reason: string };
  faces: {
    file: string;
    face: number;
    box: { x: number; y: number; width: number; height: number };
    probabilities: Record<string, number>;
    top: { label: string; probability: number };
  }[];
  files: ({ file: string; faces: number; annotated?: string } | { file: string; error: string })[];
}

let dir: string;
let photos: { group: string; pasted: string; empty: string; corrupt: string };
let pastedBoxes: { x: number; y: number; width: number; height: number }[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fermx-predict-'));
  // FER2013 faces pasted into a WebP "photo", where the right place of every face is known.
  const source = sharedDataPath(SHARED_FER2013.csv);
  if (!source) throw new Error(`this test needs the shared FER2013 at ../shared/data/${SHARED_FER2013.csv} beside the checkout`);
  const faces: Uint8Array[] = [];
  // PublicTest rows that face-api's detector finds at 0.5 (bench/predict-framing.ts finds about two thirds).
  for await (const item of readSource({ source, limit: 200 })) if ('row' in item && [0, 2, 5].includes(item.row.index)) faces.push(item.row.pixels);
  const canvas = await composeFaceCanvas(faces, { seed: 7, width: 900, height: 600, minSide: 160, maxSide: 220 });
  pastedBoxes = canvas.pasted.map((p) => p.box);
  photos = { group: join(dir, 'group.jpg'), pasted: join(dir, 'pasted.webp'), empty: join(dir, 'empty.png'), corrupt: join(dir, 'corrupt.jpg') };
  copyFileSync(GROUP_PHOTO, photos.group);
  writeFileSync(photos.pasted, await encodePhoto(canvas.photo, 'webp'));
  writeFileSync(photos.empty, await encodePhoto((await composeFaceCanvas([], { seed: 3, width: 320, height: 240 })).photo, 'png'));
  writeFileSync(photos.corrupt, readFileSync(GROUP_PHOTO).subarray(0, 300));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const predict = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCliCaptured(['predict', ...args], commands, { PATH: process.env.PATH, FERMX_LOG_LEVEL: 'warn', FERMX_STORAGE: `file://${dir}/storage`, ...env });

describe('fermx predict', () => {
  it('prints one entry per face per file, an empty list for a photo without faces, and names a corrupt file (exit 1)', async () => {
    const annotate = join(dir, 'annotated');
    const { code, out, err } = await predict([MODEL, photos.group, photos.pasted, photos.empty, photos.corrupt, '--json', '--annotate', annotate]);
    expect(code).toBe(1);
    expect(err).toContain(`${photos.corrupt}: not a readable image`);
    const result = JSON.parse(out) as PredictJson;
    expect(result.classes).toHaveLength(7);
    expect(result.mask.draw).toBe(false);
    const perFile = (file: string) => result.faces.filter((f) => f.file === file);
    expect(perFile(photos.group)).toHaveLength(3);
    expect(perFile(photos.pasted)).toHaveLength(3);
    expect(perFile(photos.empty)).toHaveLength(0);
    expect(result.files.find((f) => f.file === photos.corrupt)).toMatchObject({ error: expect.stringContaining('not a readable image') });
    for (const face of result.faces) {
      const sum = Object.values(face.probabilities).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 3);
      expect(face.top.probability).toBe(Math.max(...Object.values(face.probabilities)));
    }
    // Every pasted face is found where it was pasted.
    for (const box of pastedBoxes) {
      const hit = perFile(photos.pasted).find(
        (f) =>
          f.box.x + f.box.width / 2 > box.x &&
          f.box.x + f.box.width / 2 < box.x + box.width &&
          f.box.y + f.box.height / 2 > box.y &&
          f.box.y + f.box.height / 2 < box.y + box.height,
      );
      expect(hit, `a face inside ${JSON.stringify(box)}`).toBeDefined();
    }
    // The three smiling people of face-api's group photo.
    expect(perFile(photos.group).map((f) => f.top.label)).toEqual(['happy', 'happy', 'happy']);
    const annotated = await sharp(join(annotate, 'group.jpg')).metadata();
    expect([annotated.width, annotated.height]).toEqual([1920, 1280]);
    expect(result.files.find((f) => f.file === photos.pasted)).toMatchObject({ faces: 3, annotated: join(annotate, 'pasted.webp') });
  });

  it('takes a folder, prints per-face lines, and fails by name on a missing file', async () => {
    const folder = join(dir, 'folder');
    mkdirSync(folder, { recursive: true });
    copyFileSync(photos.group, join(folder, 'a.jpg'));
    const { code, out, err } = await predict([MODEL, folder, join(dir, 'missing.png')]);
    expect(code).toBe(1);
    expect(err).toContain(`${join(dir, 'missing.png')}: no such file`);
    expect(out).toMatch(/a\.jpg \(1920×1280\): 3 faces/);
    expect(out).toMatch(/face 1 {2}box x=\d+ y=\d+ \d+×\d+ {2}→ happy/);
  });

  it('--class-prior uncapped reweights each face by the class mixes the model records; a model without them is refused by name', async () => {
    const ferm = join(repoRoot, 'models', 'ferm-paper-m-xception');
    const plain = await predict([ferm, photos.pasted, '--json']);
    const shifted = await predict([ferm, photos.pasted, '--json', '--class-prior', 'uncapped']);
    expect([plain.code, shifted.code]).toEqual([0, 0]);
    const before = JSON.parse(plain.out) as PredictJson & { classPrior: string };
    const after = JSON.parse(shifted.out) as PredictJson & { classPrior: string };
    expect([before.classPrior, after.classPrior]).toEqual(['trained', 'uncapped']);
    const { classMix } = JSON.parse(readFileSync(join(ferm, 'metadata.json'), 'utf8')) as { classMix: Record<'train' | 'uncapped', Record<string, number>> };
    const share = (mix: Record<string, number>, c: string) => mix[c]! / Object.values(mix).reduce((a, b) => a + b, 0);
    const weight = (c: string) => share(classMix.uncapped, c) / share(classMix.train, c);
    expect(after.faces).toHaveLength(before.faces.length);
    expect(before.faces.length).toBeGreaterThan(0);
    before.faces.forEach((face, i) => {
      const total = after.classes.reduce((sum, c) => sum + face.probabilities[c]! * weight(c), 0);
      for (const c of after.classes) expect(after.faces[i]!.probabilities[c]).toBeCloseTo((face.probabilities[c]! * weight(c)) / total, 4);
    });

    const refused = await predict([MODEL, photos.pasted, '--class-prior', 'uncapped']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`fermx predict: model ${MODEL} records no classMix in its metadata.json`);
  });

  it('reads each face with the test-time views the model records, as fermx evaluate does; --tta overrides them', async () => {
    const ferm = join(repoRoot, 'models', 'ferm-paper-m-xception');
    const { evaluation } = JSON.parse(readFileSync(join(ferm, 'metadata.json'), 'utf8')) as { evaluation: { tta: string } };
    expect(evaluation.tta).toBe('flip-shift');
    const recorded = await predict([ferm, photos.pasted, '--json']);
    const single = await predict([ferm, photos.pasted, '--json', '--tta', 'none']);
    expect([recorded.code, single.code]).toEqual([0, 0]);
    const [views, one] = [JSON.parse(recorded.out), JSON.parse(single.out)] as (PredictJson & { tta: string })[];
    expect([views!.tta, one!.tta]).toEqual(['flip-shift', 'none']);
    // The same faces, framed alike; only the reading differs.
    expect(views!.faces.map((f) => f.box)).toEqual(one!.faces.map((f) => f.box));
    const moved = views!.faces.map((f, i) => Math.max(...views!.classes.map((c) => Math.abs(f.probabilities[c]! - one!.faces[i]!.probabilities[c]!))));
    expect(Math.max(...moved)).toBeGreaterThan(1e-3);
    const text = await predict([ferm, photos.pasted]);
    expect(text.out).toContain('tta flip-shift (10 views per face)');
    const bad = await predict([ferm, photos.pasted, '--tta', 'five-crop']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--tta must be one of none, flip, flip-shift, got 'five-crop'");
    // A model whose metadata.json records views fermx does not know is refused by name.
    const odd = join(dir, 'odd-views');
    mkdirSync(odd, { recursive: true });
    for (const file of ['model.json', 'weights.bin']) copyFileSync(join(ferm, file), join(odd, file));
    const metadata = JSON.parse(readFileSync(join(ferm, 'metadata.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(odd, 'metadata.json'), JSON.stringify({ ...metadata, evaluation: { tta: 'five-crop' } }));
    const refused = await predict([odd, photos.pasted]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`fermx predict: model ${odd}: metadata.json evaluation.tta is "five-crop"; fermx reads none, flip, flip-shift`);
  });

  it('runs a promoted model by name@alias after fermx model promote, and the mask follows the lineage', async () => {
    // A finished trial in the test's storage whose model is the committed FER2013 model.
    const spec = exampleTrialSpec({ dataset: { uri: `file://${dir}/storage/datasets/masked`, version: 'feedfacefeedface' } });
    const result = exampleTrialResult({
      ...spec,
      metrics: { ...exampleTrialResult().metrics, classes: ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] },
    });
    const root = join(dir, 'storage');
    mkdirSync(join(root, runKeys.model(spec.sweepId, spec.trialId)), { recursive: true });
    for (const file of ['model.json', 'weights.bin', 'metadata.json'])
      copyFileSync(join(MODEL, file), join(root, runKeys.model(spec.sweepId, spec.trialId), file));
    writeFileSync(join(root, runKeys.result(spec.sweepId, spec.trialId)), JSON.stringify(result));
    mkdirSync(join(root, 'datasets', 'masked'), { recursive: true });
    writeFileSync(join(root, 'datasets', 'masked', 'manifest.json'), JSON.stringify({ image: { masked: true } }));
    const env = { FERMX_STORAGE: `file://${root}` };

    const promoted = await runCliCaptured(['model', 'promote', spec.trialId, '--name', 'smiles', '--alias', 'production'], commands, env);
    expect(promoted.err).toBe('');
    expect(promoted.out).toContain(`promoted ${spec.trialId} as smiles v1 (production)`);
    const listed = await runCliCaptured(['model', 'list'], commands, env);
    expect(listed.out).toMatch(/smiles\n {2}v1 @production/);
    expect(listed.out).toMatch(/@production: \(new\) → v1/);

    const byAlias = await predict(['smiles@production', photos.group, '--json'], env);
    expect(byAlias.code).toBe(0);
    const masked = JSON.parse(byAlias.out) as PredictJson;
    expect(masked.mask).toEqual({ draw: true, reason: expect.stringContaining('trained on masked faces (smiles@production lineage') });
    expect(masked.faces).toHaveLength(3);
    const byTrial = await predict([spec.trialId, photos.group, '--json', '--mask', 'never'], env);
    expect(byTrial.code).toBe(0);
    expect((JSON.parse(byTrial.out) as PredictJson).faces.map((f) => f.top.label)).toEqual(['happy', 'happy', 'happy']);
    const unknown = await predict(['nobody@production', photos.group], env);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('model nobody has no production alias');
  });
});
