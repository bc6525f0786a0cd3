import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSweepSpec, datasetVersionOf, expandSweep, runKeys, type SweepSpecInput, type TrialResult } from '@fermx/contracts';
import { SuccessiveHalving } from '@fermx/queue';
import { fixtureTrialResults, FERM_CLASSES } from './testing/trial-result-fixtures.js';
import { WebFixture } from './testing/web-fixture.js';

// Browser test of the noise-aware leaderboard and the sweep analysis (docs/LEADERBOARD.md, "Sweep
// analysis"): Debian's chromium against a real `fermx serve` on a real redis-server and file://
// storage, seeded as workers leave it (sweep.json, result.json per trial, ASHA rung records).

let web: WebFixture | undefined;
let client: Redis | undefined;
let base: string;
let page: Page;
let sweepId: string;
let smallSweepId: string;
let results: TrialResult[];
let slowTrial: string;
let pageErrors: string[];

function seedSweep(
  web: WebFixture,
  input: SweepSpecInput,
  manifest: string,
  mutate: (results: TrialResult[]) => void = () => undefined,
): { sweepId: string; results: TrialResult[] } {
  const spec = assertSweepSpec(input);
  const dataset = { uri: spec.dataset, version: datasetVersionOf(manifest) };
  const createdAt = '2026-11-20T09:00:00.000Z';
  const { sweepId: id, trials } = expandSweep(spec, { dataset, numClasses: FERM_CLASSES.length, createdAt });
  web.write(runKeys.sweep(id), { sweepId: id, name: spec.name, dataset, spec: input, strategy: spec.strategy.type, priority: 10, createdAt, trials });
  const seeded = fixtureTrialResults(trials, { seed: 11 }).map((r, i) => ({
    ...r,
    finishedAt: new Date(Date.parse('2026-11-20T10:00:00Z') + i * 60_000).toISOString(),
  }));
  mutate(seeded);
  for (const r of seeded) web.write(runKeys.result(id, r.trialId), r);
  return { sweepId: id, results: seeded };
}

beforeAll(async () => {
  web = await WebFixture.start({ token: 'analysis-token', tmpPrefix: 'fermx-analysis-' });
  client = new Redis(web.redis.url);
  const manifest = JSON.stringify({ name: 'ferm', classes: FERM_CLASSES, counts: { train: 3072, val: 384, test: 384 }, shards: [] });
  web.write('datasets/ferm/v1/manifest.json', manifest);
  const datasetUri = web.uri('datasets/ferm/v1');
  const halving = { rungs: [2, 4], reductionFactor: 2 };
  ({ sweepId, results } = seedSweep(
    web,
    {
      name: 'analysis',
      dataset: datasetUri,
      // A variant name a spreadsheet would run as a formula: the CSV download must neutralise it.
      model: { name: '=HYPERLINK("x")', architecture: 'cnn' },
      strategy: { type: 'random', n: 12, seed: 3 },
      parameters: { learningRate: { loguniform: [1e-4, 1e-2] }, batchSize: { choice: [32, 64] }, epochs: 8 },
      repeats: 2,
      halving,
      objectives: ['val_accuracy', 'parameters'],
      constraints: { imagesPerSecond: { min: 10 } },
    },
    manifest,
    (rs) => {
      rs[0]!.timing.imagesPerSecond = 5; // breaks the measured constraint: infeasible
      slowTrial = rs[0]!.trialId;
    },
  ));
  ({ sweepId: smallSweepId } = seedSweep(
    web,
    {
      name: 'small',
      dataset: datasetUri,
      model: { architecture: 'cnn' },
      strategy: { type: 'random', n: 3, seed: 1 },
      parameters: { learningRate: { loguniform: [1e-4, 1e-2] }, epochs: 8 },
    },
    manifest,
  ));
  await web.fermx(['leaderboard', 'rebuild']);
  // ASHA's rung records, as workers report them after rung epochs.
  const asha = new SuccessiveHalving(client, { prefix: web.prefix });
  await asha.configure(sweepId, halving, 'max');
  for (const r of results) {
    for (const rung of halving.rungs) {
      const at = r.curves.find((c) => c.epoch === rung);
      if (at) await asha.reportRung(sweepId, r.trialId, rung, at.valAccuracy);
    }
  }

  // Downloads are accepted (playwright's default for a persistent context).
  ({ base, page, errors: pageErrors } = await web.open({ consoleErrors: true }));
});

afterAll(async () => {
  client?.disconnect();
  await web?.dispose();
});

describe('noise-aware leaderboard page', () => {
  it("shows each trial's 95 % interval, ties with the best, the Pareto front, and the infeasible trial last", async () => {
    await page.goto(`${base}/#/?sweep=${sweepId}`);
    await page.waitForSelector(`#leaderboard tbody tr >> nth=${results.length - 1}`);
    const api = (await (await fetch(`${base}/api/leaderboard?sweep=${sweepId}`)).json()) as {
      rows: { trialId: string; tiedWithBest: boolean; paretoOptimal: boolean; infeasible?: string[]; valInterval: [number, number] }[];
    };
    const rows = page.locator('#leaderboard tbody tr');
    expect(await rows.count()).toBe(results.length);
    const first = api.rows[0]!;
    expect(await rows.first().textContent()).toContain(`${(first.valInterval[0] * 100).toFixed(1)}–${(first.valInterval[1] * 100).toFixed(1)}`);
    expect(await page.locator('#leaderboard .mark-tie').count()).toBe(api.rows.filter((r) => r.tiedWithBest).length);
    expect(api.rows.filter((r) => r.tiedWithBest).length).toBeGreaterThan(0);
    expect(await page.locator('#leaderboard .mark-pareto').count()).toBe(api.rows.filter((r) => r.paretoOptimal).length);
    expect(api.rows.at(-1)!.trialId).toBe(slowTrial);
    expect(api.rows.at(-1)!.infeasible).toEqual(['imagesPerSecond 5 < min 10']);
    expect(await rows.last().locator('.mark-infeasible').count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('downloads the filtered table as CSV (formula cells neutralised) and JSON', async () => {
    await page.selectOption('#filter-status', 'completed');
    const shown = await page.locator('#leaderboard tbody tr').count();
    const [csvFile] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const csv = readFileSync((await csvFile.path())!, 'utf8')
      .trimEnd()
      .split('\n');
    expect(csv).toHaveLength(shown + 1);
    expect(csv[0]).toMatch(/^rank,trialId,/);
    expect(csv[1]).toContain(`"'=HYPERLINK(""x"")"`);
    const [jsonFile] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
    const json = JSON.parse(readFileSync((await jsonFile.path())!, 'utf8')) as { rows: { status: string }[] };
    expect(json.rows).toHaveLength(shown);
    expect(json.rows.every((r) => r.status === 'completed')).toBe(true);
    await page.selectOption('#filter-status', '');
  });

  it('joins the seed replicates into one line per configuration (mean ± sd)', async () => {
    await page.check('#aggregate-repeats');
    await page.waitForSelector('#leaderboard-repeats tbody tr');
    // 12 configurations x 2 seeds; the infeasible trial is left out, so one configuration has 1 replicate.
    expect(await page.locator('#leaderboard-repeats tbody tr').count()).toBe(12);
    expect(await page.locator('#leaderboard-repeats tbody tr').first().locator('.val-mean').textContent()).toMatch(/ %( ± \d+\.\d\d)?$/);
    expect(await page.locator('#leaderboard-repeats tbody tr', { hasText: 'seeds 0, 1' }).count()).toBe(11);
    // The fixtures rank their last epoch and keep no best: no other epoch to show.
    expect(await page.locator('#leaderboard-repeats thead th').allTextContents()).toContain('Other epoch: val / test');
    expect(await page.locator('#leaderboard-repeats tbody tr').first().locator('.other-model').textContent()).toBe('–');
    await page.uncheck('#aggregate-repeats');
  });
});

describe('sweep analysis page', () => {
  it('shows importance, best-so-far, slices, the Pareto front and the ASHA ladder, each with a data table', async () => {
    await page.goto(`${base}/#/sweep/${sweepId}`);
    await page.waitForSelector('#importance svg');
    const analysis = (await (await fetch(`${base}/api/sweeps/${sweepId}/analysis`)).json()) as {
      importance: { ok: boolean; importances: unknown[] };
      pareto: { points: { optimal: boolean }[] };
      ladder: { rungs: { trials: { decision: string }[] }[] };
      history: unknown[];
    };
    expect(analysis.importance.ok).toBe(true);
    expect(await page.locator('#importance rect.bar').count()).toBe(2);
    expect(await page.locator('#best-so-far path[data-series="best so far"]').count()).toBe(1);
    expect(analysis.history).toHaveLength(results.length - 1);
    expect(await page.locator('#slices figure').count()).toBe(2);
    expect(await page.locator('#pareto circle.highlight').count()).toBe(analysis.pareto.points.filter((p) => p.optimal).length);
    expect(await page.locator('#ladder table.ladder').count()).toBe(2);
    const stopped = analysis.ladder.rungs[0]!.trials.filter((t) => t.decision === 'stop').length;
    expect(stopped).toBe(results.filter((r) => r.status === 'stopped-early' && r.epochsRun === 2).length);
    expect(await page.locator('#ladder table[data-rung="2"] .decision-stop').count()).toBe(stopped);
    for (const id of ['importance', 'best-so-far', 'pareto']) expect(await page.locator(`#${id} details.chart-data table tbody tr`).count()).toBeGreaterThan(0);
    expect(await page.locator('#infeasible-note').textContent()).toContain('imagesPerSecond 5 < min 10');
    const [jsonFile] = await Promise.all([page.waitForEvent('download'), page.click('#sweep-download-json')]);
    expect((JSON.parse(readFileSync((await jsonFile.path())!, 'utf8')) as { trials: unknown[] }).trials).toHaveLength(results.length);
    expect(pageErrors).toEqual([]);
  });

  it("the API answers a bad aggregate with 400 and an unknown sweep's analysis with 404", async () => {
    const bad = await fetch(`${base}/api/leaderboard?aggregate=seeds`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'aggregate must be repeats' });
    expect((await fetch(`${base}/api/sweeps/no-such-sweep-00000000/analysis`)).status).toBe(404);
  });

  it('refuses parameter importance below the minimum trial count, with the reason', async () => {
    await page.goto(`${base}/#/sweep/${smallSweepId}`);
    await page.waitForSelector('#importance-refused');
    expect(await page.locator('#importance-refused').textContent()).toBe('parameter importance needs at least 10 finished trials; this sweep has 3.');
    expect(pageErrors).toEqual([]);
  });
});
