import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeys } from '@fermx/contracts';
import { exampleTrialResult } from '@fermx/contracts/testing';
import { openStorage } from '@fermx/data';
import { RedisServer, runCliCaptured } from '@fermx/testing';
import { commands } from '../main.js';

let redis: RedisServer;
let dir: string;
let env: NodeJS.ProcessEnv;

function fermx(...argv: string[]) {
  return runCliCaptured(argv, commands, env);
}

beforeAll(async () => {
  redis = await RedisServer.start();
  dir = mkdtempSync(join(tmpdir(), 'fermx-cli-'));
  const storageUri = pathToFileURL(join(dir, 'store')).href;
  env = { REDIS_URL: redis.url, FERMX_STORAGE: storageUri, FERMX_REDIS_PREFIX: `test-${randomUUID()}`, FERMX_LOG_LEVEL: 'silent' };
  await openStorage(`${storageUri}/datasets/ferm/v1`).put('manifest.json', JSON.stringify({ classes: ['a', 'b', 'c', 'd'] }));
  writeFileSync(
    join(dir, 'sweep.yaml'),
    [
      'name: cli-test',
      `dataset: ${storageUri}/datasets/ferm/v1`,
      'model: { architecture: mxception }',
      'parameters:',
      '  dropout: { grid: [0, 0.5] }',
      '  epochs: 4',
      'halving: { rungs: [2], reductionFactor: 2 }',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'bad.yaml'),
    `name: bad\ndataset: ${storageUri}/nowhere\nmodel: { architecture: mxception }\nparameters: { middleFlowRepeats: -1, batchSize: 0 }\n`,
  );
});

afterAll(async () => {
  await redis?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('fermx sweep / leaderboard / workers', () => {
  it('submit validates, names bad fields and enqueues nothing', async () => {
    const bad = await fermx('sweep', 'submit', join(dir, 'bad.yaml'));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('parameters.middleFlowRepeats: middleFlowRepeats must be >= 0');
    expect(bad.err).toContain('parameters.batchSize: batchSize must be > 0');
    expect(bad.err).toContain('nothing was enqueued');
    const missing = await fermx('sweep', 'submit', join(dir, 'nope.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read sweep file');
  });

  it("submit shows a spec's escape sequences in its errors as text", async () => {
    const file = join(dir, 'escape.json');
    const name = 'cnn\x1b]0;owned\x07\x1b[2J';
    writeFileSync(
      file,
      JSON.stringify({
        name: 'esc',
        dataset: `${env.FERMX_STORAGE}/datasets/ferm/v1`,
        models: [
          { name, architecture: 'cnn' },
          { name, architecture: 'cnn' },
        ],
        parameters: { epochs: 1 },
      }),
    );
    const result = await fermx('sweep', 'submit', file);
    expect(result.code).toBe(1);
    expect(result.err).toContain("duplicate model name 'cnn\\x1b]0;owned\\x07\\x1b[2J'");
    expect(result.err).not.toMatch(/[\x1b\x07]/);
  });

  it('submit is idempotent; status, list, leaderboard and rebuild read the same sweep', async () => {
    const first = await fermx('sweep', 'submit', join(dir, 'sweep.yaml'), '--json');
    expect(first.code).toBe(0);
    const submitted = JSON.parse(first.out);
    expect(submitted).toMatchObject({ enqueued: 2, existing: 0 });
    const again = JSON.parse((await fermx('sweep', 'submit', join(dir, 'sweep.yaml'), '--json')).out);
    expect(again).toMatchObject({ sweepId: submitted.sweepId, enqueued: 0, existing: 2 });

    const status = JSON.parse((await fermx('sweep', 'status', submitted.sweepId, '--json')).out);
    expect(status.counts).toMatchObject({ total: 2, waiting: 2 });
    expect(status.trials.map((t: { params: { dropout: number } }) => t.params.dropout)).toEqual([0, 0.5]);
    expect((await fermx('sweep', 'status', submitted.sweepId)).out).toMatch(/trials 2: .*2 waiting/);
    expect((await fermx('sweep', 'list')).out).toContain(submitted.sweepId);

    // A result lands in storage only (as after a Redis loss): rebuild brings it onto the leaderboard.
    const spec = status.trials[1];
    const result = exampleTrialResult({ trialId: spec.trialId, sweepId: submitted.sweepId, sweepName: 'cli-test', valAccuracy: 0.75 });
    await openStorage(env.FERMX_STORAGE!).put(runKeys.result(result.sweepId, result.trialId), JSON.stringify(result));
    expect((await fermx('leaderboard', '--json')).out).toBe('{\n  "rows": []\n}\n');
    const rebuilt = JSON.parse((await fermx('leaderboard', 'rebuild', '--json')).out);
    expect(rebuilt).toEqual({ indexed: 1, skipped: [], sweeps: 1 });
    const csv = (await fermx('leaderboard', '--sweep', submitted.sweepId, '--csv')).out.trimEnd().split('\n');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toMatch(new RegExp(`^1,${spec.trialId},${submitted.sweepId},cli-test,`));
    const table = (await fermx('leaderboard')).out;
    expect(table).toContain('75.00%');
    // Noise-aware: the 95 % interval (on the fixture's val images) and the best marked as such.
    expect(table).toMatch(/val 95% CI[\s\S]*\d+\.\d–\d+\.\d[\s\S]*≈/);
    const aggregated = JSON.parse((await fermx('leaderboard', '--aggregate', '--json')).out);
    expect(aggregated).toMatchObject({
      aggregate: 'repeats',
      rows: [{ rank: 1, replicates: 1, trialIds: [spec.trialId], valAccuracy: { mean: 0.75, sd: null } }],
    });
    expect((await fermx('leaderboard', '--aggregate')).out).toMatch(/val acc \(mean ± sd\)[\s\S]*75\.00%/);
    expect((await fermx('leaderboard', '--json', '--csv')).code).toBe(2);

    const cancelled = await fermx('sweep', 'cancel', submitted.sweepId);
    expect(cancelled.out).toContain('2 trials cancelled');
    const after = JSON.parse((await fermx('sweep', 'status', submitted.sweepId, '--json')).out);
    expect(after.counts).toMatchObject({ total: 2, completed: 1, cancelled: 1, waiting: 0 });
  });

  it('submit --set overrides fields of the file (another sweep, its own id); a bad --set is a usage error naming it', async () => {
    const plain = JSON.parse((await fermx('sweep', 'submit', join(dir, 'sweep.yaml'), '--json')).out);
    const out = await fermx('sweep', 'submit', join(dir, 'sweep.yaml'), '--set', 'parameters.dropout={grid: [0.25]}', '--set', 'name=cli-set', '--json');
    expect(out.code).toBe(0);
    const submitted = JSON.parse(out.out);
    expect(submitted).toMatchObject({ enqueued: 1, existing: 0 });
    expect(submitted.sweepId).not.toBe(plain.sweepId);
    const status = JSON.parse((await fermx('sweep', 'status', submitted.sweepId, '--json')).out);
    expect(status.trials.map((t: { params: { dropout: number } }) => t.params.dropout)).toEqual([0.25]);
    expect(status.sweep.name).toBe('cli-set');

    const bad = await fermx('sweep', 'submit', join(dir, 'sweep.yaml'), '--set', 'model.architecture.kind=cnn');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--set model.architecture.kind=cnn: model.architecture is a string, not a mapping');
    const invalid = await fermx('sweep', 'submit', join(dir, 'sweep.yaml'), '--set', 'parameters.batchSize=0');
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain('parameters.batchSize: batchSize must be > 0');
    await fermx('sweep', 'cancel', submitted.sweepId);
  });

  it('submit --dry-run checks and lists the trials, writes and enqueues nothing; after a submit it lists them as known', async () => {
    const file = join(dir, 'dry.yaml');
    writeFileSync(
      file,
      [
        `name: cli-dry`,
        `dataset: ${env.FERMX_STORAGE}/datasets/ferm/v1`,
        'model: { architecture: mxception }',
        'parameters:',
        '  dropout: { grid: [0.1, 0.3] }',
      ].join('\n'),
    );
    const dry = await fermx('sweep', 'submit', file, '--dry-run', '--set', 'parameters.epochs=3');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/^sweep (cli-dry-\w+) \(dry run, nothing enqueued\): 2 trials, 2 would be enqueued, 0 already known\n/);
    expect(dry.out).toMatch(/t-\w+ +mxception +dropout=0\.1 .*epochs=3.* +enqueue\n/);
    const sweepId = /^sweep (\S+)/.exec(dry.out)![1]!;
    expect((await fermx('sweep', 'status', sweepId)).code).toBe(1);
    expect((await fermx('sweep', 'list', '--json')).out).not.toContain(sweepId);

    const submitted = JSON.parse((await fermx('sweep', 'submit', file, '--set', 'parameters.epochs=3', '--json')).out);
    expect(submitted).toMatchObject({ sweepId, enqueued: 2 });
    const again = JSON.parse((await fermx('sweep', 'submit', file, '--set', 'parameters.epochs=3', '--dry-run', '--json')).out);
    expect(again).toMatchObject({ sweepId, dryRun: true, trials: submitted.trials, enqueued: 0, existing: 2 });
    expect(again.preview.map((t: { existing: boolean; params: { dropout: number } }) => [t.params.dropout, t.existing])).toEqual([
      [0.1, true],
      [0.3, true],
    ]);
    expect((await fermx('sweep', 'submit', file, '--dry-run', '--wait')).code).toBe(2);
    // A tpe sweep is checked the same way; its trials are proposed as results arrive, so none is listed.
    const tpe = await fermx('sweep', 'submit', file, '--dry-run', '--set', 'parameters.dropout={uniform: [0, 0.5]}', '--set', 'strategy={type: tpe, n: 4}');
    expect(tpe.code).toBe(0);
    expect(tpe.out).toMatch(/\(dry run, nothing enqueued\): its trials are proposed as results arrive \(tpe\)/);
    await fermx('sweep', 'cancel', sweepId);
  });

  it('workers lists none when none beat', async () => {
    expect(JSON.parse((await fermx('workers', '--json')).out)).toEqual({ workers: [] });
  });

  it('an unreachable Redis is one clear line and exit 1', async () => {
    const saved = env;
    env = { ...env, REDIS_URL: 'redis://127.0.0.1:1' };
    const out = await fermx('sweep', 'list');
    env = saved;
    expect(out.code).toBe(1);
    expect(out.err).toMatch(/^fermx sweep list: cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
  });

  it('a bad env var is a usage error naming the key', async () => {
    const saved = env;
    env = { ...env, REDIS_URL: 'localhost:6379' };
    const out = await fermx('sweep', 'list');
    env = saved;
    expect(out.code).toBe(2);
    expect(out.err).toContain('REDIS_URL: must be a redis:// or rediss:// URL');
  });
});
