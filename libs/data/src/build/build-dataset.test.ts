import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { datasetVersionOf } from '@fermx/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetIntegrityError, openDataset } from '../dataset/open-dataset.js';
import { shuffledBatches } from '../dataset/image-set.js';
import { openStorage } from '../storage/open-storage.js';
import { BuildConfigSchema } from './build-config.js';
import { buildDataset, type BuildDatasetOptions } from './build-dataset.js';
import { inlineFacePool } from './face-pool.js';
import { syntheticFer2013Csv, syntheticFerPlusCsv, syntheticPixels, syntheticRows, templateDetector } from '../testing/synthetic-fer2013.js';

const dir = mkdtempSync(join(tmpdir(), 'fermx-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = syntheticRows(150, 11, ['Training', 'Training', 'Training', 'PublicTest', 'PrivateTest']);
const source = join(dir, 'fer2013.csv.gz');
const ferplus = join(dir, 'fer2013new.csv');
writeFileSync(source, gzipSync(syntheticFer2013Csv(rows)));
writeFileSync(ferplus, syntheticFerPlusCsv(rows));

function options(out: string, extra: Partial<BuildDatasetOptions> = {}, config: object = {}) {
  const detector = templateDetector();
  const parsed = BuildConfigSchema.parse({ profile: 'all', supersample: 2, ...config });
  return {
    detector,
    options: {
      source,
      ferplus,
      out,
      config: parsed,
      detectorName: detector.name,
      startFacePool: async () => inlineFacePool(detector, { seed: parsed.seed, styles: parsed.maskStyles, supersample: parsed.supersample }),
      partRows: 40,
      ...extra,
    } satisfies BuildDatasetOptions,
  };
}

describe('buildDataset', () => {
  const out = pathToFileURL(join(dir, 'ferm')).href;

  it('builds shards, manifest and preview that openDataset reads back', async () => {
    const { options: o } = options(out);
    const outcome = await buildDataset(o);
    const m = outcome.manifest;
    expect(outcome.upToDate).toBe(false);
    expect(m.classes).toEqual(['neutral', 'happy', 'surprise', 'sad', 'angry', 'disgust', 'fear', 'contempt']);
    expect(m.rows.read).toBe(150);
    expect(m.rows.processed).toBe(150);
    expect(Object.keys(m.splits).sort()).toEqual(['publictest', 'test', 'train', 'val']);
    expect(m.splits.publictest!.count).toBe(30);
    expect(m.splits.test!.count).toBe(30);
    expect(m.splits.train!.count + m.splits.val!.count).toBe(90);
    expect(m.sources.fer2013.sha256).toMatch(/^[0-9a-f]{64}$/);
    const png = readFileSync(join(dir, 'ferm', 'preview.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');

    const dataset = await openDataset(out);
    const train = await dataset.loadSplit('train');
    expect(train.count).toBe(m.splits.train!.count);
    expect(train.images.length).toBe(train.count * 2304);
    const perClass = m.classes.map((_, k) => train.labels.filter((l) => l === k).length);
    expect(perClass).toEqual(m.classes.map((c) => m.splits.train!.perClass[c]));
    // Every stored image is a masked version of its source row: differs in the lower face only.
    const first = dataset.manifest.shards[0]!;
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    const batches = [...shuffledBatches(train, { batchSize: 16, seed: 1 })];
    expect(batches.reduce((n, b) => n + b.count, 0)).toBe(train.count);
    expect(batches[0]!.labels.length).toBe(16);
  });

  it('writes nothing when run again with the same inputs and config', async () => {
    const manifestPath = join(dir, 'ferm', 'manifest.json');
    const before = statSync(manifestPath).mtimeMs;
    const { options: o, detector } = options(out);
    const outcome = await buildDataset(o);
    expect(outcome.upToDate).toBe(true);
    expect(outcome.written).toEqual([]);
    expect(detector.calls).toBe(0);
    expect(statSync(manifestPath).mtimeMs).toBe(before);
  });

  it('gives the same manifest bytes, so the same dataset version, when built again elsewhere', async () => {
    const again = join(dir, 'ferm-again');
    const { options: o, detector } = options(pathToFileURL(again).href);
    const outcome = await buildDataset(o);
    expect(outcome.upToDate).toBe(false);
    expect(detector.calls).toBeGreaterThan(0);
    const first = readFileSync(join(dir, 'ferm', 'manifest.json'));
    expect(readFileSync(join(again, 'manifest.json')).equals(first)).toBe(true);
    expect(datasetVersionOf(readFileSync(join(again, 'manifest.json')))).toBe(datasetVersionOf(first));
  });

  it('resumes an interrupted build from the parts and shards already written', async () => {
    const storage = openStorage(out);
    const manifest = JSON.parse(readFileSync(join(dir, 'ferm', 'manifest.json'), 'utf8'));
    const parts = (await storage.list('.build/')).filter((k) => k.endsWith('.bin'));
    expect(parts).toHaveLength(4);
    // Interrupted: manifest never written, one part and one shard missing, one shard half written.
    await storage.delete('manifest.json');
    await storage.delete(parts[2]!);
    await storage.delete(manifest.shards[0].key);
    await storage.put(manifest.shards[1].key, new Uint8Array([1, 2, 3]));
    const { options: o, detector } = options(out);
    const outcome = await buildDataset(o);
    expect(outcome.reusedParts).toBe(3);
    expect(detector.calls).toBe(1);
    expect(outcome.written.sort()).toEqual([manifest.shards[0].key, manifest.shards[1].key, parts[2], `${parts[2]}.sha256`, 'manifest.json'].sort());
    expect(outcome.manifest.shards).toEqual(manifest.shards);
  });

  it('reuses the face stage when only thresholds or caps change, and caps per class', async () => {
    const { options: o, detector } = options(out, {}, { profile: 'all', caps: { neutral: 3, happy: 2 }, filters: { minAgreement: 0.8 } });
    const outcome = await buildDataset(o);
    expect(detector.calls).toBe(0);
    const m = outcome.manifest;
    expect(m.splits.train!.perClass.neutral! + m.splits.val!.perClass.neutral!).toBeLessThanOrEqual(3);
    expect(m.rows.filtered['ferplus-agreement']).toBeGreaterThan(0);
    expect(Object.keys(m.rows.capped).length).toBeGreaterThan(0);
  });

  it('records where the rows over a cap went: left out (capped), or into train (overCapTrained)', async () => {
    const config = { profile: 'all', caps: { neutral: 3, happy: 2 }, filters: { minAgreement: 0.8 } };
    const capped = (await buildDataset(options(out, {}, config).options)).manifest;
    const trained = (await buildDataset(options(pathToFileURL(join(dir, 'ferm-over-cap')).href, {}, { ...config, overCap: 'train' }).options)).manifest;
    expect(trained.builder.config.overCap).toBe('train');
    expect(trained.rows.capped).toEqual({});
    expect(trained.rows.overCapTrained).toEqual(capped.rows.capped);
    expect(capped.rows.overCapTrained).toBeUndefined();
    expect(trained.splits.val).toEqual(capped.splits.val);
    const overCap = Object.values(capped.rows.capped).reduce((a, b) => a + b, 0);
    expect(trained.splits.train!.count).toBe(capped.splits.train!.count + overCap);
    expect(trained.builder.buildKey).not.toBe(capped.builder.buildKey);
  });

  it('shares a face cache of its own between builds of two selections in two folders', async () => {
    const faceCache = pathToFileURL(join(dir, 'face-cache')).href;
    const first = options(pathToFileURL(join(dir, 'ferm-strict')).href, { faceCache }, { filters: { minAgreement: 0.8 } });
    const strict = await buildDataset(first.options);
    expect(first.detector.calls).toBeGreaterThan(0);
    expect(strict.written.some((k) => k.startsWith('.build/'))).toBe(false);
    expect((await openStorage(faceCache).list('')).filter((k) => k.endsWith('.bin'))).toHaveLength(4);

    const second = options(pathToFileURL(join(dir, 'ferm-loose')).href, { faceCache }, { filters: { minAgreement: 0.5 } });
    const loose = await buildDataset(second.options);
    expect(second.detector.calls).toBe(0);
    expect(loose.reusedParts).toBe(4);
    expect(loose.manifest.rows.selected).toBeGreaterThan(strict.manifest.rows.selected);
  });

  it('skips broken rows with their line numbers and builds the rest', async () => {
    const lines = syntheticFer2013Csv(syntheticRows(30, 4)).trimEnd().split('\n');
    lines[5] = `3,${syntheticPixels(1).split(' ').slice(10).join(' ')},Training`;
    lines[9] = `12,${syntheticPixels(2)},Training`;
    lines[20] = `3,${syntheticPixels(3)},Somewhere`;
    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, lines.join('\n') + '\n');
    const brokenOut = pathToFileURL(join(dir, 'ferm-broken')).href;
    const { options: o } = options(brokenOut, { source: broken, ferplus: undefined });
    const outcome = await buildDataset(o);
    expect(outcome.issues.map((i) => `${i.line}:${i.kind}`)).toEqual(['6:pixel-count', '10:unknown-emotion', '21:unknown-usage']);
    expect(outcome.manifest.rows.invalid).toEqual({ 'pixel-count': 1, 'unknown-emotion': 1, 'unknown-usage': 1 });
    expect(outcome.manifest.rows.processed).toBe(27);
    expect(outcome.manifest.labels).toBe('fer2013');
    expect(readFileSync(join(dir, 'ferm-broken', 'issues.txt'), 'utf8')).toContain('broken.csv:6: expected 2304 pixels, got 2294');
  });

  it('refuses shards that fail their checksum when reading', async () => {
    const corruptDir = join(dir, 'ferm-corrupt');
    const corruptOut = pathToFileURL(corruptDir).href;
    const outcome = await buildDataset(options(corruptOut).options);
    const shard = outcome.manifest.shards.find((s) => s.split === 'val')!;
    const path = join(corruptDir, ...shard.key.split('/'));
    const bytes = readFileSync(path);
    bytes[100] = bytes[100]! ^ 0xff;
    writeFileSync(path, bytes);
    const dataset = await openDataset(corruptOut);
    await expect(dataset.loadSplit('val')).rejects.toThrow(DatasetIntegrityError);
    await expect(dataset.loadSplit('val')).rejects.toThrow(/fails its checksum/);
    expect((await dataset.loadSplit('train')).count).toBe(outcome.manifest.splits.train!.count);
    await expect(openDataset(pathToFileURL(join(dir, 'nothing')).href)).rejects.toThrow(/no dataset at/);
  });

  it('fails at once on a source that is not FER2013, leaving an existing build alone', async () => {
    const notFer = join(dir, 'prices.csv');
    writeFileSync(notFer, 'id,price\n1,2\n');
    const storage = openStorage(out);
    const before = await storage.list('');
    const { options: o } = options(out, { source: notFer, ferplus: undefined });
    await expect(buildDataset(o)).rejects.toThrow(/prices\.csv is not a FER2013 CSV/);
    expect(await storage.list('')).toEqual(before);
  });
});
