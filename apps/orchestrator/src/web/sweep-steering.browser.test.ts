// The sweep page's Steering panel in Debian's chromium against a real `fermx serve` (real
// redis-server, file:// storage): read-only without a token; with one, Pause, Resume, the
// concurrency cap and Extend act on the sweep and each lands in the page's history.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebFixture } from './testing/web-fixture.js';

const TOKEN = 'steering-browser-token';

let web: WebFixture | undefined;
let base: string;
let page: Page;
let sweepId: string;
let pageErrors: string[];

beforeAll(async () => {
  web = await WebFixture.start({ token: TOKEN, tmpPrefix: 'fermx-steer-web-' });
  web.write('datasets/ferm/v1/manifest.json', { classes: ['neutral', 'sad', 'surprise', 'angry'] });
  const specFile = join(web.dir, 'random.json');
  writeFileSync(
    specFile,
    JSON.stringify({
      name: 'steer-web',
      dataset: web.uri('datasets/ferm/v1'),
      model: { architecture: 'cnn' },
      parameters: { learningRate: { loguniform: [1e-4, 1e-2] }, epochs: 3 },
      strategy: { type: 'random', n: 4, seed: 1 },
    }),
  );
  // Submitted and left queued: no worker runs in this test.
  sweepId = (JSON.parse(await web.fermx(['sweep', 'submit', specFile, '--json'])) as { sweepId: string }).sweepId;
  ({ base, page, errors: pageErrors } = await web.open());
});

afterAll(() => web?.dispose());

describe('sweep page steering panel', () => {
  const state = () => page.locator('#dispatch-state').textContent();
  const history = () => page.locator('#sweep-history li').allTextContents();

  it('is read-only without a token', async () => {
    await page.goto(`${base}/#/sweep/${sweepId}`);
    await page.waitForSelector('#steering');
    expect(await state()).toBe('dispatch: dispatching · no concurrency cap · priority 10 · 0 held');
    for (const id of ['#steer-pause', '#steer-resume', '#steer-extend', '#steer-set', '#steer-retry']) expect(await page.locator(id).isDisabled()).toBe(true);
    expect(await page.locator('#steer-note').textContent()).toContain('Read-only');
    expect(await history()).toEqual([expect.stringContaining('submitted (4 enqueued, 0 already known)')]);
  });

  it('with a token: pause, resume, a cap of 1 and extend act on the sweep and are shown in its history', async () => {
    await page.getByLabel('API token', { exact: true }).fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await expect.poll(() => page.locator('#steer-pause').isEnabled()).toBe(true);
    expect(await page.locator('#steer-resume').isDisabled()).toBe(true);
    expect(await page.locator('#steer-retry').isDisabled()).toBe(true); // nothing failed

    await page.locator('#steer-pause').click();
    await expect.poll(state).toBe('dispatch: paused · no concurrency cap · priority 10 · 4 held');
    await expect.poll(() => page.locator('tr[data-trial] td span.muted', { hasText: 'held' }).count()).toBe(4);
    expect(await page.locator('#steer-pause').isDisabled()).toBe(true);

    await page.locator('#steer-resume').click();
    await expect.poll(state).toBe('dispatch: dispatching · no concurrency cap · priority 10 · 0 held');
    await expect.poll(() => page.locator('tr[data-trial] td span.muted', { hasText: 'held' }).count()).toBe(0);

    await page.locator('#steer-cap').fill('1');
    await page.locator('#steer-priority').fill('4');
    await page.locator('#steer-set').click();
    await expect.poll(state).toBe('dispatch: dispatching · at most 1 at once · priority 4 · 3 held');

    await page.locator('#steer-extend-n').fill('2');
    await page.locator('#steer-extend').click();
    await expect.poll(() => page.locator('#trials-h').textContent()).toBe('Trials (6)');
    await expect.poll(state).toBe('dispatch: dispatching · at most 1 at once · priority 4 · 5 held');

    const lines = await history();
    expect(lines.map((l) => l.replace(/^\S+ \S+ /, ''))).toEqual([
      'submitted (4 enqueued, 0 already known)',
      'paused (4 queued trials held back; running ones finish)',
      'resumed (4 trials dispatched)',
      'set max concurrent 1, priority 4 (4 queued jobs changed)',
      'extended by 2 per grid point (2 new trials, 6 in all)',
    ]);
    // The server agrees with the page.
    const status = (await fetch(`${base}/api/sweeps/${sweepId}`).then((r) => r.json())) as { dispatch: unknown };
    expect(status.dispatch).toEqual({ paused: false, maxConcurrent: 1, priority: 4, held: 5 });
    expect(pageErrors).toEqual([]);
  });
});
