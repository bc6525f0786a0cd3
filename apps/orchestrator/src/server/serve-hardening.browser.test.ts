import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeys } from '@fermx/contracts';
import { openStorage } from '@fermx/data';
import { launchChromium, RedisServer, type ChromiumSession } from '@fermx/testing';
import { parseConfig } from '../config.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { serveWebAsset } from '../web/index.js';
import { startServer, type RunningServer } from './serve.js';

// `fermx serve` with no FERMX_API_TOKEN in Debian's chromium: a page on another origin that makes
// the operator's browser POST to it (no-cors, text/plain: no preflight) must be refused every
// time, and a trial whose result.json is corrupt still opens, saying what is wrong.

let redis: RedisServer;
let dir: string;
let runtime: Runtime;
let server: RunningServer;
let evil: Server;
let evilPort: number;
let browser: ChromiumSession | undefined;
let datasetUri: string;
let queuedSweepId: string;
const requests: { method: string; url: string; status: number }[] = [];

const spec = (name: string, seed: number) => ({
  name,
  dataset: datasetUri,
  model: { architecture: 'cnn', width: 0.25 },
  parameters: { seed: { grid: [seed] }, epochs: 1 },
});

/** The attacker's page: fires the writes on load, then says it is done. */
function evilPage(target: string): string {
  const submit = JSON.stringify(JSON.stringify(spec('cross-site', 99)));
  return `<!doctype html><title>cute cats</title><form id="f" method="POST" action="${target}/api/sweeps/${queuedSweepId}/cancel" enctype="text/plain" target="sink"><input name="x" value="y"></form><iframe name="sink"></iframe>
<script>
(async () => {
  const post = (path, body) => fetch('${target}' + path, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body }).then(() => 'sent', (e) => 'error ' + e);
  const results = [await post('/api/sweeps', ${submit}), await post('/api/sweeps/${queuedSweepId}/cancel', '{}')];
  // A body-less POST (no Content-Type at all) and a plain HTML form post.
  results.push(await fetch('${target}/api/sweeps/${queuedSweepId}/cancel', { method: 'POST', mode: 'no-cors' }).then(() => 'sent', (e) => 'error ' + e));
  document.getElementById('f').submit();
  document.title = 'done ' + results.join(',');
})();
</script>`;
}

beforeAll(async () => {
  redis = await RedisServer.start();
  dir = mkdtempSync(join(tmpdir(), 'fermx-cross-site-'));
  const storageUri = pathToFileURL(dir).href;
  datasetUri = `${storageUri}/datasets/ferm/v1`;
  await openStorage(datasetUri).put('manifest.json', JSON.stringify({ classes: ['neutral', 'sad', 'surprise', 'angry'] }));
  // No token: the defaults an operator gets from `fermx serve`.
  runtime = await openRuntime(parseConfig({ REDIS_URL: redis.url, FERMX_STORAGE: storageUri, FERMX_REDIS_PREFIX: `xs-${randomUUID()}` }), process.env);
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { msg: string; method: string; url: string; status: number };
        if (entry.msg === 'http request') requests.push({ method: entry.method, url: entry.url, status: entry.status });
      }
      done();
    },
  });
  server = await startServer(runtime, { port: 0, log: pino({ level: 'debug' }, sink), serveAsset: (req, res) => serveWebAsset(req, res) });
  const queued = await runtime.sweeps.submit(spec('victim', 1));
  if (!queued.ok) throw new Error(`seed sweep refused: ${queued.error}`);
  queuedSweepId = queued.sweepId;

  evil = createServer((req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(evilPage(server.url));
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  evilPort = (evil.address() as { port: number }).port;
  // The attacker's page is served as 127.0.0.1 and as localhost: both may load, nothing else.
  browser = await launchChromium({ allowHosts: ['127.0.0.1', 'localhost'] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (evil ? evil.close(() => r()) : r()));
  await server?.close();
  await runtime?.queue.obliterate({ force: true }).catch(() => undefined);
  await runtime?.close();
  await redis?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a cross-site page against fermx serve without a token', () => {
  for (const origin of ['same host, other port (same-site)', 'other host name (cross-site)']) {
    it(`cannot submit or cancel sweeps from ${origin}`, async () => {
      const host = origin.startsWith('same') ? '127.0.0.1' : 'localhost';
      const before = requests.length;
      const page = await browser!.context.newPage();
      try {
        await page.goto(`http://${host}:${evilPort}/`);
        await expect.poll(() => page.title(), { timeout: 20_000 }).toMatch(/^done /);
        // The browser did send them (opaque answers, as no-cors gets), and the server refused each.
        expect(await page.title()).toBe('done sent,sent,sent');
        await expect.poll(() => requests.slice(before).filter((r) => r.method === 'POST').length, { timeout: 10_000 }).toBe(4);
      } finally {
        await page.close();
      }
      const posts = requests.slice(before).filter((r) => r.method === 'POST');
      expect(posts.map((r) => r.url).sort()).toEqual(['/api/sweeps', ...Array(3).fill(`/api/sweeps/${queuedSweepId}/cancel`)].sort());
      expect(posts.map((r) => r.status)).toEqual([403, 403, 403, 403]);
      // Nothing enqueued, nothing cancelled.
      expect((await runtime.sweeps.list()).map((s) => s.sweepId)).toEqual([queuedSweepId]);
      expect(await runtime.queue.count()).toBe(1);
      expect((await runtime.sweeps.status(queuedSweepId))?.counts).toMatchObject({ total: 1, waiting: 1, cancelled: 0 });
    });
  }
});

describe('the trial page of a trial whose result.json is corrupt', () => {
  it('opens and says what is wrong with that trial', async () => {
    const trialId = (await runtime.sweeps.status(queuedSweepId))!.trials[0]!.trialId;
    await openStorage(pathToFileURL(dir).href).put(runKeys.result(queuedSweepId, trialId), '{"trialId": "t-trunc');
    const { page, errors } = browser!;
    await page.goto(`${server.url}/#/trial/${trialId}`);
    await expect.poll(() => page.locator('#result-error').textContent(), { timeout: 20_000 }).toMatch(/result\.json is corrupt/);
    expect(await page.locator('h1').textContent()).toContain(trialId);
    expect(await page.locator('#result-error').textContent()).not.toContain(dir);
    // The page's errors, and any request that left the two allowed hosts during the whole file.
    expect(errors).toEqual([]);
  });
});
