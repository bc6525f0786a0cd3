// The sweep page's Steering panel in Debian's chromium against a real `fermx serve` (real
// redis-server, file:// storage): read-only without a token; with one, Pause, Resume, the
// concurrency cap and Extend act on the sweep and each lands in the page's history.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, ensureBinary, freePort, RedisServer } from '@fermx/testing';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const FERMX = join(REPO, 'bin/fermx.mjs');
const TOKEN = 'steering-browser-token';
const run = promisify(execFile);

let redis: RedisServer;
let storageDir: string;
let env: NodeJS.ProcessEnv;
let server: ChildProcess | undefined;
let serverLog = '';
let base: string;
let context: BrowserContext;
let page: Page;
let sweepId: string;
const pageErrors: string[] = [];

async function fermx(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [FERMX, ...args], { cwd: REPO, env, timeout: 60_000 });
  return stdout;
}

beforeAll(async () => {
  const executablePath = ensureBinary(CHROMIUM);
  redis = await RedisServer.start();
  storageDir = mkdtempSync(join(tmpdir(), 'fermx-steer-web-'));
  env = {
    ...process.env,
    REDIS_URL: redis.url,
    FERMX_STORAGE: pathToFileURL(storageDir).href,
    FERMX_API_TOKEN: TOKEN,
    FERMX_REDIS_PREFIX: `web-${randomUUID().slice(0, 8)}`,
    LOG_LEVEL: 'warn',
  };
  mkdirSync(join(storageDir, 'datasets/ferm/v1'), { recursive: true });
  writeFileSync(join(storageDir, 'datasets/ferm/v1/manifest.json'), JSON.stringify({ classes: ['neutral', 'sad', 'surprise', 'angry'] }));
  const specFile = join(storageDir, 'random.json');
  writeFileSync(
    specFile,
    JSON.stringify({
      name: 'steer-web',
      dataset: `${pathToFileURL(storageDir).href}/datasets/ferm/v1`,
      model: { architecture: 'cnn' },
      parameters: { learningRate: { loguniform: [1e-4, 1e-2] }, epochs: 3 },
      strategy: { type: 'random', n: 4, seed: 1 },
    }),
  );
  // Submitted and left queued: no worker runs in this test.
  sweepId = (JSON.parse(await fermx('sweep', 'submit', specFile, '--json')) as { sweepId: string }).sweepId;

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [FERMX, 'serve', '--port', String(port)], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout?.on('data', (d: Buffer) => (serverLog += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
  const deadline = Date.now() + 60_000;
  while (
    !(await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`fermx serve did not start: ${serverLog}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'fermx-chromium-')), {
    executablePath,
    headless: true,
    viewport: { width: 1366, height: 860 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await context.route(/^(?!http:\/\/127\.0\.0\.1:\d+\/).*/, (route) => {
    pageErrors.push(`external request: ${route.request().url()}`);
    return route.abort();
  });
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  await redis?.dispose();
  if (storageDir) rmSync(storageDir, { recursive: true, force: true });
});

describe('sweep page steering panel', () => {
  const state = () => page.locator('#dispatch-state').textContent();
  const history = () => page.locator('#sweep-history li').allTextContents();

  it('is read-only without a token', async () => {
    await page.goto(`${base}/#/sweep/${sweepId}`);
    await page.waitForSelector('#steering');
    expect(await state()).toBe('Dispatching · no concurrency cap · priority 10 · 0 held');
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
    await expect.poll(state).toBe('Paused · no concurrency cap · priority 10 · 4 held');
    expect(await page.locator('#steer-pause').isDisabled()).toBe(true);

    await page.locator('#steer-resume').click();
    await expect.poll(state).toBe('Dispatching · no concurrency cap · priority 10 · 0 held');

    await page.locator('#steer-cap').fill('1');
    await page.locator('#steer-priority').fill('4');
    await page.locator('#steer-set').click();
    await expect.poll(state).toBe('Dispatching · at most 1 at once · priority 4 · 3 held');

    await page.locator('#steer-extend-n').fill('2');
    await page.locator('#steer-extend').click();
    await expect.poll(() => page.locator('#trials-h').textContent()).toBe('Trials (6)');
    await expect.poll(state).toBe('Dispatching · at most 1 at once · priority 4 · 5 held');

    const lines = await history();
    expect(lines.map((l) => l.replace(/^\S+ \S+ /, ''))).toEqual([
      'submitted (4 enqueued, 0 already known)',
      'paused (4 queued trials held back; running ones finish)',
      'resumed (4 trials dispatched)',
      'set max concurrent 1, priority 4',
      'extended by 2 per grid point (2 new trials, 6 in all)',
    ]);
    // The server agrees with the page.
    const status = (await fetch(`${base}/api/sweeps/${sweepId}`).then((r) => r.json())) as { dispatch: unknown };
    expect(status.dispatch).toEqual({ paused: false, maxConcurrent: 1, priority: 4, held: 5 });
    expect(pageErrors).toEqual([]);
  });
});
