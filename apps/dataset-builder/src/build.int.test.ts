import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '@fermx/data';
import { syntheticFer2013Csv, syntheticFerPlusCsv, syntheticRows } from '@fermx/data/testing';
import { runCliCaptured, S3Server, SHARED_FER2013, sharedDataPath } from '@fermx/testing';
import { commands } from './main.js';

function fermx(args: string[], env: NodeJS.ProcessEnv) {
  return runCliCaptured(args, commands, env);
}

describe('fermx dataset build → s3:// (s3rver), real landmark net on worker threads', () => {
  let server: S3Server;
  let env: NodeJS.ProcessEnv;
  const dir = mkdtempSync(join(tmpdir(), 'fermx-build-int-'));
  // Real faces when the shared FER2013 is beside the checkout, generated ones otherwise.
  let source = sharedDataPath(SHARED_FER2013.csv);
  let ferplus = sharedDataPath(SHARED_FER2013.ferplus);
  // Generated textures are not faces: the landmark net still runs on them, the filters would drop them all.
  const filterArgs = source && ferplus ? [] : ['--no-filters'];
  const uri = 's3://fermx/datasets/ferm/v1';

  beforeAll(async () => {
    server = await S3Server.start({ buckets: ['fermx'] });
    env = { ...process.env, ...server.env, FERMX_LOG_LEVEL: 'warn' };
    if (!source || !ferplus) {
      const rows = syntheticRows(160, 3, ['Training', 'Training', 'Training', 'PublicTest']);
      source = join(dir, 'fer2013.csv');
      ferplus = join(dir, 'fer2013new.csv');
      writeFileSync(source, syntheticFer2013Csv(rows));
      writeFileSync(ferplus, syntheticFerPlusCsv(rows));
    }
  });
  afterAll(async () => {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds, rebuilds nothing, and reads back through the shard cache', async () => {
    const args = [
      'dataset',
      'build',
      '--source',
      source!,
      '--ferplus',
      ferplus!,
      '--profile',
      'all',
      '--out',
      uri,
      '--limit',
      '160',
      '--workers',
      '2',
      ...filterArgs,
    ];
    const first = await fermx(args, env);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/built \d+ images/);
    expect(first.out).toMatch(/^class\s+train\s+val/m);

    const again = await fermx([...args, '--json'], env);
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.out);
    expect(summary).toMatchObject({ upToDate: true, written: 0 });

    const cacheDir = join(dir, 'cache');
    const dataset = await openDataset(uri, { env, cacheDir });
    const train = await dataset.loadSplit('train');
    expect(train.count).toBe(summary.splits.train.count);
    expect(train.count).toBeGreaterThan(20);
    const cached = readdirSync(cacheDir);
    expect(cached.length).toBe(dataset.manifest.shards.filter((s) => s.split === 'train').length);
    expect(cached[0]).toMatch(/^[0-9a-f]{64}\.tfrecord$/);
    // A second reader is served from the cache even with storage down.
    await server.pause();
    try {
      expect((await dataset.loadSplit('train')).count).toBe(train.count);
    } finally {
      await server.resume();
    }

    const inspect = await fermx(['dataset', 'inspect', uri, '--json', '--verify'], env);
    expect(inspect.code).toBe(0);
    expect(JSON.parse(inspect.out).verified.train).toBe(train.count);
  });

  it('builds another selection into another folder from the first build’s face cache', async () => {
    const args = ['dataset', 'build', '--source', source!, '--ferplus', ferplus!, '--profile', 'all', '--limit', '160', '--workers', '2', ...filterArgs];
    const other = await fermx(
      [...args, '--min-agreement', '0.9', '--out', 's3://fermx/datasets/ferm-strict/v1', '--face-cache', `${uri}/.build`, '--json'],
      env,
    );
    expect(other.err).toBe('');
    expect(other.code).toBe(0);
    expect(JSON.parse(other.out)).toMatchObject({ upToDate: false, reusedParts: 1 });
    const strict = await openDataset('s3://fermx/datasets/ferm-strict/v1', { env, cacheDir: join(dir, 'cache-strict') });
    expect(strict.manifest.builder.config.filters.minAgreement).toBe(0.9);
  });

  /** `fermx dataset build` of the first 160 rows, unmasked (no face stage), with `flags`. */
  const unmaskedBuild = (out: string, ...flags: string[]) => [
    'dataset',
    'build',
    '--source',
    source!,
    '--profile',
    'fer2013',
    '--limit',
    '160',
    ...flags,
    '--out',
    out,
  ];

  it('--hold-out-from: an unmasked FER2013 without the rows the FERM build scores on', async () => {
    const ferm = await openDataset(uri, { env, cacheDir: join(dir, 'cache-ferm') });
    const evaluated = (['val', 'test', 'publictest'] as const).filter((s) => ferm.splits.includes(s));
    const rows = new Set((await Promise.all(evaluated.map((s) => ferm.sourceRows(s)))).flat());
    expect(rows.size).toBeGreaterThan(0);
    const built = await fermx(unmaskedBuild('s3://fermx/datasets/pretrain/v1', '--hold-out-from', uri), env);
    expect(built.err).toBe('');
    expect(built.code).toBe(0);
    expect(built.out).toMatch(new RegExp(`held out ${rows.size}, selected ${160 - rows.size}`));
    expect(built.out).toMatch(/, 0 of them other copies of those images\n/);
    const pretrain = await openDataset('s3://fermx/datasets/pretrain/v1', { env, cacheDir: join(dir, 'cache-pretrain') });
    expect(pretrain.manifest.builder.config.holdOut).toEqual([
      { buildKey: ferm.manifest.builder.buildKey, source: ferm.manifest.sources.fer2013.sha256, splits: evaluated, rows: rows.size },
    ]);
    expect(pretrain.manifest.builder.config.holdOutCopies).toBe(true);
    const kept = (await Promise.all(pretrain.splits.map((s) => pretrain.sourceRows(s)))).flat();
    expect(kept).toHaveLength(160 - rows.size);
    expect(kept.filter((r) => rows.has(r))).toEqual([]);
  });

  it('--drop-duplicates: records the flag and the copies it left out, and prints them', async () => {
    const built = await fermx(unmaskedBuild('s3://fermx/datasets/unique/v1', '--drop-duplicates'), env);
    expect(built.err).toBe('');
    expect(built.code).toBe(0);
    const unique = await openDataset('s3://fermx/datasets/unique/v1', { env, cacheDir: join(dir, 'cache-unique') });
    const { duplicates, selected } = unique.manifest.rows;
    expect(unique.manifest.builder.config.dropDuplicates).toBe(true);
    // The fer2013 profile has no other filter: every row read is selected or a duplicate.
    expect(duplicates! + selected).toBe(160);
    expect(built.out).toContain(`duplicates ${duplicates}, selected ${selected}`);
  });

  it('fails clearly on a file that is not FER2013 and on bad flags', async () => {
    const bad = join(dir, 'notes.txt');
    writeFileSync(bad, 'hello world\n');
    const result = await fermx(['dataset', 'build', '--source', bad, '--out', 's3://fermx/datasets/bad'], env);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/notes\.txt is not a FER2013 CSV/);
    const flags = await fermx(['dataset', 'build', '--source', bad, '--out', uri, '--profile', 'some'], env);
    expect(flags.code).toBe(2);
    expect(flags.err).toMatch(/profile/);
    const unmasked = await fermx(['dataset', 'build', '--source', bad, '--profile', 'fer2013', '--face-cache', 'file:///tmp/faces', '--out', uri], env);
    expect(unmasked.code).toBe(2);
    expect(unmasked.err).toMatch(/--face-cache does not apply to --profile fer2013/);
    const masked = await fermx(['dataset', 'build', '--source', bad, '--profile', 'paper', '--val-from-training', '--out', uri], env);
    expect(masked.code).toBe(2);
    expect(masked.err).toMatch(/--val-from-training applies to --profile fer2013 only/);
    const overCap = await fermx(['dataset', 'build', '--source', bad, '--profile', 'paper', '--over-cap', 'keep', '--out', uri], env);
    expect(overCap.code).toBe(2);
    expect(overCap.err).toMatch(/--over-cap must be drop or train, got "keep"/);
    const uncapped = await fermx(['dataset', 'build', '--source', bad, '--profile', 'all', '--over-cap', 'train', '--out', uri], env);
    expect(uncapped.code).toBe(2);
    expect(uncapped.err).toMatch(/--over-cap applies to --profile paper only/);
    const missing = await fermx(
      ['dataset', 'build', '--source', bad, '--profile', 'fer2013', '--hold-out-from', 's3://fermx/datasets/none', '--out', uri],
      env,
    );
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/--hold-out-from: no dataset at s3:\/\/fermx\/datasets\/none/);
  });
});
