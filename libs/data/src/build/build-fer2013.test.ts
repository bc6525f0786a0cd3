import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../dataset/open-dataset.js';
import { FER2013_EMOTIONS } from '../fer2013/emotions.js';
import { decodeFermRecord, type FermRecord } from '../shards/ferm-example.js';
import { readRecords } from '../shards/tfrecord.js';
import { BuildConfigSchema } from './build-config.js';
import { buildDataset, NO_MASK, type BuildDatasetOptions } from './build-dataset.js';
import { planBuild } from './build-plan.js';
import { heldOutRows } from './held-out-rows.js';
import type { SourceInfo } from './manifest.js';
import { splitByUsage } from './selection.js';
import { syntheticFer2013Csv, syntheticFerPlusCsv, syntheticPixels, syntheticRows } from '../testing/synthetic-fer2013.js';

const dir = mkdtempSync(join(tmpdir(), 'fermx-fer2013-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = syntheticRows(140, 23, ['Training', 'Training', 'Training', 'PublicTest', 'PrivateTest']);
const lines = syntheticFer2013Csv(rows).trimEnd().split('\n');
// Row 7 holds the extremes 0 and 255 and a flat image a blur filter would drop: kept unchanged.
const extremes = Array.from({ length: 2304 }, (_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? 255 : 128));
lines[8] = `${rows[7]!.emotion},${extremes.join(' ')},${rows[7]!.usage}`;
const source = join(dir, 'fer2013.csv.gz');
writeFileSync(source, gzipSync(lines.join('\n') + '\n'));
const sourcePixels = (index: number) =>
  index === 7
    ? Uint8Array.from(extremes)
    : Uint8Array.from(
        syntheticPixels(index + 1)
          .split(' ')
          .map(Number),
      );

function options(out: string, extra: Partial<BuildDatasetOptions> = {}): { options: BuildDatasetOptions; poolStarts: () => number } {
  let starts = 0;
  return {
    poolStarts: () => starts,
    options: {
      source,
      out,
      config: BuildConfigSchema.parse({ profile: 'fer2013' }),
      detectorName: 'face-api/face_landmark_68',
      startFacePool: async () => {
        starts++;
        throw new Error('the fer2013 profile must not start the face stage');
      },
      partRows: 40,
      ...extra,
    },
  };
}

/** The shared source with the image of row `from` copied over row `at`, for each pair. */
function sourceWithCopies(name: string, pairs: readonly (readonly [at: number, from: number])[]): string {
  const pixelsOf = (line: string) => line.split(',')[1]!;
  const copied = [...lines];
  for (const [at, from] of pairs) copied[at + 1] = copied[at + 1]!.replace(pixelsOf(copied[at + 1]!), pixelsOf(lines[from + 1]!));
  const path = join(dir, name);
  writeFileSync(path, copied.join('\n') + '\n');
  return path;
}

function records(root: string, keys: readonly string[]): FermRecord[] {
  return keys.flatMap((key) => [...readRecords(new Uint8Array(readFileSync(join(root, ...key.split('/')))), key)].map(decodeFermRecord));
}

describe('buildDataset, profile fer2013 (Table 1, unmasked)', () => {
  const root = join(dir, 'fer2013');
  const out = pathToFileURL(root).href;

  it('splits by Usage: Training → train, PublicTest → val, PrivateTest → test, uncapped', async () => {
    const { options: o, poolStarts } = options(out);
    const outcome = await buildDataset(o);
    const m = outcome.manifest;
    expect(poolStarts()).toBe(0);
    expect(m.classes).toEqual([...FER2013_EMOTIONS]);
    expect(m.labels).toBe('fer2013');
    expect(Object.keys(m.splits).sort()).toEqual(['test', 'train', 'val']);
    const expected = (usage: string) => rows.filter((r) => r.usage === usage);
    expect(m.splits.train!.count).toBe(expected('Training').length);
    expect(m.splits.val!.count).toBe(expected('PublicTest').length);
    expect(m.splits.test!.count).toBe(expected('PrivateTest').length);
    for (const name of FER2013_EMOTIONS) {
      const code = FER2013_EMOTIONS.indexOf(name);
      expect(m.splits.train!.perClass[name]).toBe(expected('Training').filter((r) => r.emotion === code).length);
    }
    expect(m.rows).toMatchObject({ read: 140, processed: 0, filtered: {}, capped: {}, selected: 140, otherClasses: 0 });
    const usageOf = { train: 'Training', val: 'PublicTest', test: 'PrivateTest' } as const;
    for (const split of ['train', 'val', 'test'] as const) {
      const stored = records(
        root,
        m.shards.filter((s) => s.split === split).map((s) => s.key),
      );
      expect(stored.every((r) => r.sourceUsage === usageOf[split])).toBe(true);
    }
  });

  it("stores FER2013's own label and the original pixels byte for byte, unmasked", async () => {
    const m = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
    const stored = records(
      root,
      m.shards.map((s: { key: string }) => s.key),
    );
    expect(stored.map((r) => r.sourceIndex).sort((a, b) => a - b)).toEqual(rows.map((_, i) => i));
    for (const r of stored) {
      const code = rows[r.sourceIndex]!.emotion;
      expect(r.label).toBe(code);
      expect(r.labelName).toBe(FER2013_EMOTIONS[code]);
      expect(r.maskStyle).toBe(NO_MASK);
      expect(r.ferplusVotes).toEqual([]);
      expect(Buffer.compare(Buffer.from(r.image), Buffer.from(sourcePixels(r.sourceIndex)))).toBe(0);
    }
    expect(stored.some((r) => r.sourceIndex === 7)).toBe(true);
    expect(m.image.masked).toBe(false);
    expect(m.builder.config.profile).toBe('fer2013');
    expect(m.builder.config.filters.enabled).toBe(false);
    expect(m.builder.config.caps).toBeUndefined();
    expect(m.builder.detector).toBe('none');
    expect(readFileSync(join(root, 'preview.png')).subarray(1, 4).toString()).toBe('PNG');
    const dataset = await openDataset(out);
    const val = await dataset.loadSplit('val');
    expect(val.count).toBe(m.splits.val.count);
  });

  it('writes nothing when run again, and never a face-stage cache', async () => {
    const { options: o, poolStarts } = options(out);
    const outcome = await buildDataset(o);
    expect(outcome.upToDate).toBe(true);
    expect(outcome.written).toEqual([]);
    expect(poolStarts()).toBe(0);
    const keys = readdirSync(root);
    expect(keys).not.toContain('.build');
  });

  it('keeps only the first N rows with a limit, still split by Usage', async () => {
    const { options: o } = options(pathToFileURL(join(dir, 'limited')).href, { config: BuildConfigSchema.parse({ profile: 'fer2013', limit: 12 }) });
    const m = (await buildDataset(o)).manifest;
    expect(m.rows.read).toBe(12);
    const first = rows.slice(0, 12);
    expect(m.splits.val?.count ?? 0).toBe(first.filter((r) => r.usage === 'PublicTest').length);
    expect(m.splits.train!.count).toBe(first.filter((r) => r.usage === 'Training').length);
  });

  it('with valFromTraining: val is a stratified tenth of Training and PublicTest is held out as publictest', async () => {
    const heldOut = join(dir, 'fer2013-held-out');
    const config = BuildConfigSchema.parse({ profile: 'fer2013', valFromTraining: true });
    const { options: o, poolStarts } = options(pathToFileURL(heldOut).href, { config });
    const m = (await buildDataset(o)).manifest;
    expect(poolStarts()).toBe(0);
    const expected = (usage: string) => rows.filter((r) => r.usage === usage);
    expect(m.splits.train!.count + m.splits.val!.count).toBe(expected('Training').length);
    expect(m.splits.publictest!.count).toBe(expected('PublicTest').length);
    expect(m.splits.test!.count).toBe(expected('PrivateTest').length);
    for (const name of FER2013_EMOTIONS) {
      const training = expected('Training').filter((r) => r.emotion === FER2013_EMOTIONS.indexOf(name)).length;
      expect(m.splits.val!.perClass[name] ?? 0, name).toBe(Math.round(training * 0.1));
    }
    expect(m.builder.config.valFromTraining).toBe(true);
    const usageOf = { train: 'Training', val: 'Training', test: 'PrivateTest', publictest: 'PublicTest' } as const;
    for (const split of ['train', 'val', 'test', 'publictest'] as const) {
      const stored = records(
        heldOut,
        m.shards.filter((s) => s.split === split).map((s) => s.key),
      );
      expect(stored.length, split).toBe(m.splits[split]!.count);
      expect(stored.every((r) => r.sourceUsage === usageOf[split])).toBe(true);
    }
  });

  it('records no valFromTraining when it is unset (earlier builds keep their build key), and refuses it in other profiles', async () => {
    expect(Object.keys(BuildConfigSchema.parse({ profile: 'fer2013' }))).not.toContain('valFromTraining');
    const config = BuildConfigSchema.parse({ profile: 'all', valFromTraining: true });
    const { options: o } = options(pathToFileURL(join(dir, 'all-held-out')).href, { config });
    await expect(buildDataset(o)).rejects.toThrow(/valFromTraining applies to the fer2013 profile only/);
  });

  it('with holdOut: leaves out every row another dataset evaluates on, and records which', async () => {
    // The valFromTraining build above stands in for FERM: its val rows come from Training.
    const other = pathToFileURL(join(dir, 'fer2013-held-out')).href;
    const held = await heldOutRows([other]);
    const otherManifest = (await openDataset(other)).manifest;
    const evaluated = ['val', 'test', 'publictest'] as const;
    expect(held.rows.size).toBe(evaluated.reduce((n, s) => n + otherManifest.splits[s]!.count, 0));
    expect(held.holdOut).toEqual([
      { buildKey: otherManifest.builder.buildKey, source: otherManifest.sources.fer2013.sha256, splits: [...evaluated], rows: held.rows.size },
    ]);

    const pretrain = join(dir, 'fer2013-pretrain');
    const config = BuildConfigSchema.parse({ profile: 'fer2013', holdOut: held.holdOut });
    const outcome = await buildDataset(options(pathToFileURL(pretrain).href, { config, holdOutRows: held.rows }).options);
    const m = outcome.manifest;
    expect(outcome.heldOut).toBe(held.rows.size);
    expect(m.rows.heldOut).toBe(held.rows.size);
    expect(m.rows.selected).toBe(rows.length - held.rows.size);
    expect(m.builder.config.holdOut).toEqual(held.holdOut);
    const stored = records(
      pretrain,
      m.shards.map((s) => s.key),
    );
    expect(stored).toHaveLength(m.rows.selected);
    expect(stored.filter((r) => held.rows.has(r.sourceIndex))).toEqual([]);
    // The other build scores on all of PublicTest and PrivateTest: only Training rows are left.
    expect(m.splits.train!.count).toBe(rows.filter((r, i) => r.usage === 'Training' && !held.rows.has(i)).length);
    expect(m.splits.train!.count).toBe(m.rows.selected);
    expect(await (await openDataset(pathToFileURL(pretrain).href)).sourceRows('train')).toEqual(stored.map((r) => r.sourceIndex));
  });

  it('with dropDuplicates: leaves out every copy of an image the source holds more than once, across usages and labels', async () => {
    // Row 20 repeats row 3's image; rows 50, 60 and 70 share one image, under other labels too.
    const duplicated = sourceWithCopies('fer2013-duplicates.csv', [
      [20, 3],
      [60, 50],
      [70, 50],
    ]);
    const twins = [3, 20, 50, 60, 70];
    expect(new Set(twins.map((i) => rows[i]!.usage)).size).toBeGreaterThan(1);

    const out = join(dir, 'fer2013-unique');
    const config = BuildConfigSchema.parse({ profile: 'fer2013', dropDuplicates: true });
    const outcome = await buildDataset({ ...options(pathToFileURL(out).href, { config }).options, source: duplicated });
    const m = outcome.manifest;
    expect(outcome.duplicates).toBe(twins.length);
    expect(m.rows.duplicates).toBe(twins.length);
    expect(m.rows.selected).toBe(rows.length - twins.length);
    expect(m.builder.config.dropDuplicates).toBe(true);
    const stored = records(
      out,
      m.shards.map((sh) => sh.key),
    );
    expect(stored.map((r) => r.sourceIndex).filter((i) => twins.includes(i))).toEqual([]);
    expect(stored).toHaveLength(m.rows.selected);

    // Without the flag every copy is kept, and the config and manifest say nothing of duplicates.
    const plain = await buildDataset({ ...options(pathToFileURL(join(dir, 'fer2013-with-twins')).href).options, source: duplicated });
    expect(plain.manifest.rows.selected).toBe(rows.length);
    expect(plain.manifest.rows).not.toHaveProperty('duplicates');
    expect(Object.keys(plain.manifest.builder.config)).not.toContain('dropDuplicates');
  });

  it('with holdOut: also leaves out the other copies of a held-out image, wherever the source holds them', async () => {
    // Training row 0 holds PublicTest row 3's image, and Training row 1 PrivateTest row 4's.
    expect([0, 1, 3, 4].map((i) => rows[i]!.usage)).toEqual(['Training', 'Training', 'PublicTest', 'PrivateTest']);
    const copied = sourceWithCopies('fer2013-held-copies.csv', [
      [0, 3],
      [1, 4],
    ]);
    const scored = pathToFileURL(join(dir, 'fer2013-copies-scored')).href;
    await buildDataset({ ...options(scored).options, source: copied });
    const held = await heldOutRows([scored]);
    expect([...held.rows].filter((i) => i < 2)).toEqual([]);

    const pretrain = join(dir, 'fer2013-copies-pretrain');
    const config = BuildConfigSchema.parse({ profile: 'fer2013', holdOut: held.holdOut });
    const outcome = await buildDataset({ ...options(pathToFileURL(pretrain).href, { config, holdOutRows: held.rows }).options, source: copied });
    const m = outcome.manifest;
    expect(outcome.heldOut).toBe(held.rows.size + 2);
    expect(outcome.heldOutCopies).toBe(2);
    expect(m.rows.heldOut).toBe(held.rows.size + 2);
    expect(m.builder.config.holdOutCopies).toBe(true);
    const stored = records(
      pretrain,
      m.shards.map((sh) => sh.key),
    ).map((r) => r.sourceIndex);
    expect(stored).toHaveLength(rows.filter((r) => r.usage === 'Training').length - 2);
    expect(stored.filter((i) => i < 2 || held.rows.has(i))).toEqual([]);
  });

  it('records holdOutCopies only beside holdOut', () => {
    const asked = BuildConfigSchema.parse({ profile: 'fer2013', holdOutCopies: true });
    const source0: SourceInfo = { file: 'fer2013.csv', sha256: 'a'.repeat(64), bytes: 1 };
    const plan = planBuild(asked, source0, undefined, 'none');
    expect(Object.keys(plan.fullConfig)).not.toContain('holdOutCopies');
  });

  it('refuses held-out rows of a dataset built from another FER2013 file, and rows without a record of them', async () => {
    const held = await heldOutRows([pathToFileURL(join(dir, 'fer2013-held-out')).href]);
    const elsewhere = [{ ...held.holdOut[0]!, source: 'f'.repeat(64) }];
    const config = BuildConfigSchema.parse({ profile: 'fer2013', holdOut: elsewhere });
    await expect(buildDataset(options(pathToFileURL(join(dir, 'elsewhere')).href, { config, holdOutRows: held.rows }).options)).rejects.toThrow(
      /built from another FER2013 file .*its row numbers do not apply/,
    );
    const unrecorded = options(pathToFileURL(join(dir, 'unrecorded')).href, { holdOutRows: held.rows }).options;
    await expect(buildDataset(unrecorded)).rejects.toThrow(/config.holdOut and the held-out rows go together/);
    await expect(heldOutRows([pathToFileURL(join(dir, 'nothing-here')).href])).rejects.toThrow(/no dataset at/);
  });

  it('refuses a FER+ file: Table 1 uses FER2013 labels', async () => {
    const ferplus = join(dir, 'fer2013new.csv');
    writeFileSync(ferplus, syntheticFerPlusCsv(rows));
    const { options: o } = options(pathToFileURL(join(dir, 'with-ferplus')).href, { ferplus });
    await expect(buildDataset(o)).rejects.toThrow(/fer2013 profile uses FER2013's own labels/);
  });
});

describe('splitByUsage', () => {
  it('maps each Usage to its split and shuffles by seed only', () => {
    const items = Array.from({ length: 30 }, (_, index) => ({
      index,
      usage: (['Training', 'PublicTest', 'PrivateTest'] as const)[index % 3]!,
      emotion: 'happy',
    }));
    const a = splitByUsage(items, 5);
    expect(a.train.map((x) => x.usage).every((u) => u === 'Training')).toBe(true);
    expect(a.val.map((x) => x.index).sort((x, y) => x - y)).toEqual(items.filter((x) => x.usage === 'PublicTest').map((x) => x.index));
    expect(a.test).toHaveLength(10);
    expect(a.publictest).toHaveLength(0);
    expect(splitByUsage([...items].reverse(), 5)).toEqual(a);
  });
});
