import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetVersionOf, expandSweep, assertSweepSpec, runKeys, type TrialResult, type TrialSpec } from '@fermx/contracts';
import { resolveKeySpace, workerConnection, WorkerRegistry } from '@fermx/queue';
import { REPO_ROOT } from '@fermx/testing';
import { fixtureTrialResults, FERM_CLASSES } from './testing/trial-result-fixtures.js';
import { WebFixture } from './testing/web-fixture.js';

// The browser test of the leaderboard page: Debian's chromium (never a downloaded browser)
// against a real `fermx serve` on a real redis-server and file:// storage, seeded the way workers
// leave it (sweep.json + result.json per trial, then `fermx leaderboard rebuild`).

const TOKEN = 'browser-test-token';

let web: WebFixture | undefined;
let base: string;
let context: BrowserContext;
let page: Page;
let results: TrialResult[];
let finishedSweepId: string;
let queuedSweepId: string;
let pageErrors: string[];

/** A finished sweep as workers leave it: the sweep record plus one result.json per trial. */
function seedFinishedSweep(web: WebFixture, datasetUri: string, manifest: string): TrialResult[] {
  const dataset = { uri: datasetUri, version: datasetVersionOf(manifest) };
  const spec = assertSweepSpec({
    name: 'table3-repro',
    dataset: datasetUri,
    models: [
      { name: 'M-Xception', architecture: 'mxception' },
      { name: 'mini_Xception', architecture: 'mini-xception' },
      { name: 'CNN', architecture: 'cnn' },
    ],
    strategy: { type: 'random', n: 3, seed: 4 },
    parameters: { learningRate: { loguniform: [1e-5, 1e-1] }, batchSize: { choice: [32, 64, 128] }, epochs: 8 },
  });
  const createdAt = '2026-11-20T09:00:00.000Z';
  const { sweepId, trials } = expandSweep(spec, { dataset, numClasses: FERM_CLASSES.length, createdAt });
  finishedSweepId = sweepId;
  web.write(runKeys.sweep(sweepId), { sweepId, name: spec.name, dataset, spec, strategy: spec.strategy.type, priority: 0, createdAt, trials });
  const seeded = fixtureTrialResults(trials, { seed: 5 });
  // One trial ranks its best epoch's model, which scores what its last did (so the order stays).
  const rankedBest = [...seeded].sort((a, b) => a.metrics.valAccuracy - b.metrics.valAccuracy)[0]!;
  const { valAccuracy, valLoss, testAccuracy, macroF1, perClassAccuracy, confusionMatrix } = rankedBest.metrics;
  rankedBest.best = {
    ...{ valAccuracy, valLoss, testAccuracy, macroF1, perClassAccuracy, confusionMatrix },
    epoch: rankedBest.epochsRun - 1,
    modelUri: runKeys.bestModel(sweepId, rankedBest.trialId),
  };
  rankedBest.metrics = { ...rankedBest.metrics, valAccuracy: rankedBest.metrics.valAccuracy - 0.0104 };
  rankedBest.rankedBy = 'best';
  for (const r of seeded) {
    web.write(
      runKeys.config(sweepId, r.trialId),
      trials.find((t: TrialSpec) => t.trialId === r.trialId),
    );
    web.write(runKeys.result(sweepId, r.trialId), r);
  }
  return seeded;
}

/** Numbers of one leaderboard column, top to bottom, by its header's data-column. */
async function columnValues(column: string): Promise<string[]> {
  return page.$$eval(
    '#leaderboard',
    ([table], col) => {
      const headers = Array.from(table!.querySelectorAll('thead th'));
      const index = headers.findIndex((th) => th.getAttribute('data-column') === col);
      return Array.from(table!.querySelectorAll('tbody tr')).map((tr) => tr.children[index]?.textContent?.trim() ?? '');
    },
    column,
  );
}

const percent = (text: string) => Number.parseFloat(text.replace('%', ''));

beforeAll(async () => {
  web = await WebFixture.start({ token: TOKEN, tmpPrefix: 'fermx-web-storage-' });
  // A dataset the orchestrator can probe (manifest only: nothing trains in this test).
  const manifest = JSON.stringify({ name: 'ferm', classes: FERM_CLASSES, counts: { train: 3072, val: 384, test: 384 }, shards: [] });
  web.write('datasets/ferm/v1/manifest.json', manifest);
  const datasetUri = web.uri('datasets/ferm/v1');
  results = seedFinishedSweep(web, datasetUri, manifest);
  await web.fermx(['leaderboard', 'rebuild']);
  // A second sweep, submitted for real and left queued: live progress and cancel act on it.
  const queuedSpec = join(web.dir, 'queued.json');
  writeFileSync(
    queuedSpec,
    JSON.stringify({
      name: 'dropout-search',
      dataset: datasetUri,
      model: { architecture: 'mxception' },
      parameters: { dropout: { grid: [0.1, 0.3, 0.5] }, epochs: 6 },
    }),
  );
  const submitted = JSON.parse(await web.fermx(['sweep', 'submit', queuedSpec, '--json'])) as { sweepId: string };
  queuedSweepId = submitted.sweepId;

  // The page must work from this origin alone: any other request fails the test (launchChromium's guard).
  const opened = await web.open({ consoleErrors: true });
  ({ base, page, errors: pageErrors } = opened);
  context = opened.session.context;
});

afterAll(() => web?.dispose());

describe('leaderboard page on a real fermx serve', () => {
  it('loads sweeps and every seeded result, best first, over a live event stream', async () => {
    await page.goto(`${base}/`);
    await page.waitForSelector(`#leaderboard tbody tr >> nth=${results.length - 1}`);
    expect(await page.locator('#leaderboard tbody tr').count()).toBe(results.length);
    const best = [...results].sort((a, b) => b.metrics.valAccuracy - a.metrics.valAccuracy)[0]!;
    expect(await page.locator('#leaderboard tbody tr').first().getAttribute('data-trial')).toBe(best.trialId);
    const shown = (await columnValues('valAccuracy')).map(percent);
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
    expect(shown[0]).toBeCloseTo(best.metrics.valAccuracy * 100, 2);
    await expect.poll(() => page.locator('#sweeps tbody tr').count()).toBe(2);
    await expect.poll(() => page.locator('#live-mode').textContent()).toBe('Live');
    expect(pageErrors).toEqual([]);
  });

  it("says which epoch's model each row ranks, and shows the other epoch's val accuracy beside it", async () => {
    const rankedBest = results.find((r) => r.rankedBy === 'best')!;
    const row = page.locator(`#leaderboard tr[data-trial="${rankedBest.trialId}"]`);
    expect(await row.locator('td .epoch-mark').count()).toBe(1);
    expect(await row.locator('.epoch-mark').locator('..').textContent()).toBe(`best${rankedBest.best!.epoch}/${rankedBest.epochsRun}`);
    expect(await row.locator('.other-epoch').textContent()).toBe(`last ${(rankedBest.metrics.valAccuracy * 100).toFixed(2)} %`);
    // Rows that rank their last epoch, with no best model kept, have neither.
    expect(await page.locator('#leaderboard .epoch-mark').count()).toBe(1);
    expect(await page.locator('#leaderboard .other-epoch').count()).toBe(1);
  });

  it('sorts by any column with header buttons that set aria-sort, by mouse and keyboard', async () => {
    await page.getByRole('button', { name: /Val acc/ }).click();
    expect(await page.locator('th[data-column="valAccuracy"]').getAttribute('aria-sort')).toBe('ascending');
    const ascending = (await columnValues('valAccuracy')).map(percent);
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));

    await page.locator('th[data-column="parameters"] button').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('th[data-column="parameters"]').getAttribute('aria-sort')).toBe('ascending');
    expect(await page.locator('th[data-column="valAccuracy"]').getAttribute('aria-sort')).toBe('none');
    const weights = (await columnValues('parameters')).map((t) => Number(t.replace(/,/g, '')));
    expect(weights).toEqual([...weights].sort((a, b) => a - b));
    expect(Math.min(...weights)).toBe(Math.min(...results.map((r) => r.parameters)));

    await page.getByRole('button', { name: /^Model/ }).press('Enter');
    const models = await columnValues('model');
    expect(models).toEqual([...models].sort());
    await page.getByRole('button', { name: /^Model/ }).press('Enter');
    expect(await page.locator('th[data-column="model"]').getAttribute('aria-sort')).toBe('descending');
  });

  it('filters by model, status and sweep, searches, and keeps filters in the URL', async () => {
    await page.getByLabel('Model', { exact: true }).selectOption('cnn');
    const cnn = results.filter((r) => r.model.architecture === 'cnn');
    await expect.poll(() => page.locator('#leaderboard tbody tr').count()).toBe(cnn.length);
    expect(new Set(await page.locator('#leaderboard tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-trial'))))).toEqual(
      new Set(cnn.map((r) => r.trialId)),
    );
    expect(page.url()).toContain('model=cnn');
    await expect.poll(() => page.locator('#leaderboard-count').textContent()).toContain(`${cnn.length} of ${results.length} trials shown`);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Sweep', { exact: true }).selectOption(finishedSweepId);
    expect(await page.locator('#leaderboard tbody tr').count()).toBe(results.length);
    const stopped = results.filter((r) => r.status === 'stopped-early').length;
    expect(stopped).toBeGreaterThan(0);
    await page.getByLabel('Status', { exact: true }).selectOption('stopped-early');
    await expect.poll(() => page.locator('#leaderboard tbody tr').count()).toBe(stopped);
    expect(new Set(await page.locator('#leaderboard tbody tr .badge').allTextContents())).toEqual(new Set(['stopped-early']));
    await page.getByRole('button', { name: 'Clear filters' }).click();

    const target = results[3]!;
    await page.getByLabel('Search', { exact: true }).fill(target.trialId.slice(0, 12));
    await expect.poll(() => page.locator('#leaderboard tbody tr').count()).toBe(1);
    expect(await page.locator('#leaderboard tbody tr').getAttribute('data-trial')).toBe(target.trialId);
    await page.getByLabel('Search', { exact: true }).fill('no-such-trial');
    await expect.poll(() => page.locator('#leaderboard tbody tr').count()).toBe(0);
    expect(await page.locator('.empty').first().textContent()).toContain('No trials match');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    expect(await page.locator('#leaderboard tbody tr').count()).toBe(results.length);
  });

  it('opens a trial: config, curves, confusion matrix heat map, per-class accuracy, timing, files', async () => {
    const trial = [...results].sort((a, b) => b.metrics.valAccuracy - a.metrics.valAccuracy)[0]!;
    await page.locator(`#leaderboard tr[data-trial="${trial.trialId}"] a[href^="#/trial/"]`).click();
    await page.waitForSelector('#chart-loss');
    expect(page.url()).toContain(`#/trial/${trial.trialId}`);
    expect(await page.locator('h1').textContent()).toContain(trial.trialId);
    // Keyboard and screen-reader users land on the new page's heading.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    // Two series per chart, one point per epoch run.
    for (const chart of ['#chart-loss', '#chart-accuracy']) {
      expect(await page.locator(`${chart} path.series`).count()).toBe(2);
      expect(await page.locator(`${chart} circle.dot`).count()).toBe(2 * trial.epochsRun);
    }
    const n = trial.metrics.classes.length;
    expect(await page.locator('#confusion g.cell').count()).toBe(n * n);
    const diagonal = await page.locator('#confusion g.cell.diagonal text.count').allTextContents();
    expect(diagonal.map(Number)).toEqual(trial.metrics.confusionMatrix.map((row, i) => row[i]));
    // The charts' data tables: the matrix with an empty corner and one row per true class, the
    // curves with one row per epoch.
    const matrixTable = page.locator('#confusion details.chart-data table');
    expect(await matrixTable.locator('thead th[scope="col"]').allTextContents()).toEqual(trial.metrics.classes);
    expect(await matrixTable.locator('thead td').count()).toBe(1);
    expect(await matrixTable.locator('tbody th[scope="row"]').allTextContents()).toEqual(trial.metrics.classes);
    expect((await matrixTable.locator('tbody tr').first().locator('td').allTextContents()).map(Number)).toEqual(trial.metrics.confusionMatrix[0]);
    expect(await page.locator('#chart-loss details.chart-data tbody tr').count()).toBe(trial.epochsRun);
    const bars = await page.locator('#per-class text.value').allTextContents();
    expect(bars.map(percent)).toEqual(trial.metrics.perClassAccuracy.map((v) => Number((v * 100).toFixed(1))));
    const body = await page.locator('main').textContent();
    for (const text of [trial.backend, trial.host, trial.model.architecture, String(trial.training.batchSize)]) expect(body).toContain(text);
    expect(await page.locator('.cards').textContent()).toContain(`${(trial.metrics.valAccuracy * 100).toFixed(2)} %`);
    await page.goBack();
    await page.waitForSelector(`#leaderboard tbody tr >> nth=${results.length - 1}`);
    await page.goto(`${base}/#/trial/t-0000000000000000`);
    await expect.poll(() => page.locator('main .error').textContent()).toBe('No such trial.');
    expect(pageErrors.filter((e) => !e.includes('404'))).toEqual([]);
    pageErrors.length = 0;
  });

  it('sweep page: parallel coordinates over the searched parameters and a side-by-side comparison', async () => {
    await page.goto(`${base}/#/sweep/${finishedSweepId}`);
    await page.waitForSelector('#parallel');
    expect(await page.locator('#parallel path.trial-line').count()).toBe(results.length);
    const axes = await page.locator('#parallel .pc-axis text.axis-label').allTextContents();
    expect(axes).toEqual(expect.arrayContaining(['Model', 'LR', 'Batch', 'val accuracy']));
    const rows = page.locator('#sweep-trials tbody tr');
    expect(await rows.count()).toBe(results.length);
    // The trial that ranks its best epoch's model says so; the others show their last epoch's figure alone.
    const rankedBest = results.find((r) => r.rankedBy === 'best')!;
    expect(await page.locator('#sweep-trials tbody .ci').allTextContents()).toEqual([`best, epoch ${rankedBest.best!.epoch}`]);
    expect(await page.locator(`#sweep-trials tr[data-trial="${rankedBest.trialId}"] .ci`).count()).toBe(1);
    const picked = [await rows.nth(0).getAttribute('data-trial'), await rows.nth(1).getAttribute('data-trial'), await rows.nth(2).getAttribute('data-trial')];
    for (const id of picked) await page.getByLabel(`Compare ${id}`).check();
    await expect.poll(() => page.locator('#compare-table thead th').count()).toBe(3);
    await expect.poll(() => page.locator('#compare-val-acc path.series').count()).toBe(3);
    expect(await page.locator('#compare-table thead th a').allTextContents()).toEqual(picked.map((id) => `${id!.slice(0, 10)}…`));
    expect(page.url()).toContain(`compare=${picked.join(',')}`);
    // Everything finished: nothing to cancel, even without a token.
    expect(await page.locator('#cancel-sweep').isDisabled()).toBe(true);
  });

  it('falls back to polling when the event stream is refused', async () => {
    const second = await context.newPage();
    try {
      await second.route('**/api/events', (route) => route.fulfill({ status: 503, body: 'no stream here' }));
      await second.goto(`${base}/`);
      await expect.poll(() => second.locator('#live-mode').textContent()).toBe('Polling every 5 s');
      // The next poll reloads the data.
      await second.waitForRequest((req) => req.url().endsWith('/api/leaderboard'), { timeout: 8_000 });
    } finally {
      await second.close();
    }
  });

  it('shows live progress of a running trial, fits a laptop screen, and cancels a sweep only with a token', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${base}/`);
    await page.waitForSelector('#leaderboard tbody tr');
    // Play a GPU worker: take one of the queued trials and report an epoch through BullMQ.
    const { prefix, queueName } = resolveKeySpace({ prefix: web!.prefix });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let taken: Job | undefined;
    const registryConnection = workerConnection(web!.redis.url);
    const registry = new WorkerRegistry(registryConnection, { prefix });
    const worker = new Worker(
      queueName,
      async (job: Job) => {
        taken = job;
        await registry.heartbeat({ id: 'browser-test-worker', host: 'gpu-node-7', gpu: 'GPU 0', backend: 'tensorflow', currentTrial: job.id ?? null });
        await job.updateProgress({ epoch: 2, epochs: 6, loss: 0.91, accuracy: 0.63, valLoss: 0.97, valAccuracy: 0.612, seconds: 2.4, imagesPerSecond: 1450 });
        await released;
        throw new UnrecoverableError('cancelled: browser test');
      },
      { connection: workerConnection(web!.redis.url), prefix, concurrency: 1, autorun: true },
    );
    try {
      await expect.poll(() => page.locator('.running-list li').count(), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => page.locator('.running-list li').textContent(), { timeout: 15_000 }).toContain('epoch 2/6');
      // Four epochs to go at 2.4 s each.
      expect(await page.locator('.running-list li .time-left').textContent()).toBe('under a minute left');
      expect(await page.locator('.running-list li').getAttribute('data-trial')).toBe(taken?.id);
      // The 'active' event reaches the sweeps list too (it reloads counts and workers on trial events).
      await expect.poll(() => page.locator(`#sweeps tr[data-sweep="${queuedSweepId}"]`).textContent(), { timeout: 15_000 }).toContain('1 running');
      await expect.poll(() => page.locator('#workers').textContent(), { timeout: 15_000 }).toContain('1 worker online: gpu-node-7 (GPU 0) · tensorflow');
      // Readable on a laptop: the leaderboard fits 1280 px without scrolling sideways.
      const overflow = await page.locator('#leaderboard').evaluate((table) => table.scrollWidth - (table.parentElement?.clientWidth ?? 0));
      expect(overflow).toBeLessThanOrEqual(0);
      // docs/leaderboard.png comes from here: FERMX_WEB_SCREENSHOT=docs/leaderboard.png npx vitest run <this file>
      const target = process.env.FERMX_WEB_SCREENSHOT;
      if (target) await page.screenshot({ path: resolve(REPO_ROOT, target) });

      // The running trial's own page: its progress and the curve so far.
      await page.locator(`.running-list a[href="#/trial/${taken!.id}"]`).click();
      await expect.poll(() => page.locator('.progress-line').textContent()).toContain('epoch 2/6');
      expect(await page.locator('.progress-line .time-left').textContent()).toBe(' · under a minute left');
      expect(await page.locator('h1 .badge').textContent()).toBe('active');
      expect(await page.locator('#chart-accuracy circle.dot').count()).toBe(2);

      await page.goto(`${base}/#/sweep/${queuedSweepId}`);
      await page.waitForSelector('#cancel-sweep');
      expect(await page.locator('#sweep-trials .time-left').allTextContents()).toEqual([' under a minute left']);
      expect(await page.locator('#cancel-sweep').isDisabled()).toBe(true);
      expect(await page.locator('#cancel-note').textContent()).toContain('Read-only');

      await page.getByLabel('API token', { exact: true }).fill(TOKEN);
      await page.getByRole('button', { name: 'Use token' }).click();
      expect(await page.evaluate(() => sessionStorage.getItem('fermx.apiToken'))).toBe(TOKEN);
      await expect.poll(() => page.locator('#cancel-sweep').isEnabled()).toBe(true);
      page.once('dialog', (dialog) => void dialog.accept());
      await page.locator('#cancel-sweep').click();
      await expect.poll(() => page.locator('#cancel-note').textContent()).toMatch(/Cancelled [1-9]\d* trials/);
    } finally {
      release();
      await worker.close();
      await registry.remove('browser-test-worker');
      registryConnection.disconnect();
    }
    await expect
      .poll(async () => (await page.locator('#sweep-trials .badge').allTextContents()).filter((s) => s === 'waiting').length, { timeout: 15_000 })
      .toBe(0);
  });
});
