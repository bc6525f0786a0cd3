import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type ChromiumSession } from './chromium.js';

// A page that throws, logs an error and asks two other hosts for a script: what launchChromium's
// error capture and request guard must report.
const PAGE = `<!doctype html><title>harness</title>
<script>console.error('logged by the page');</script>
<script src="http://localhost:PORT/allowed.js"></script>
<script src="http://example.invalid/tracker.js"></script>
<script>throw new Error('thrown by the page');</script>`;

let server: Server;
let port: number;
let browser: ChromiumSession | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/allowed.js') res.setHeader('Content-Type', 'text/javascript').end('document.title = "allowed ran";');
    else res.setHeader('Content-Type', 'text/html').end(PAGE.replace('PORT', String(port)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

describe('launchChromium', () => {
  it("reports the first page's uncaught errors and aborts every request to a host not allowed", async () => {
    browser = await launchChromium();
    await browser.page.goto(`http://127.0.0.1:${port}/`);
    await expect.poll(() => browser!.errors.length).toBe(3);
    expect([...browser.errors].sort()).toEqual(
      ['thrown by the page', `external request: http://localhost:${port}/allowed.js`, 'external request: http://example.invalid/tracker.js'].sort(),
    );
    await browser.close();
    browser = undefined;
  });

  it('with more hosts allowed and console errors counted: loads from them, and keeps the noise out', async () => {
    browser = await launchChromium({ allowHosts: ['127.0.0.1', 'localhost'], consoleErrors: true, consoleNoise: [/^Failed to load resource/] });
    await browser.page.goto(`http://127.0.0.1:${port}/`);
    await expect.poll(() => browser!.errors.length).toBe(3);
    expect([...browser.errors].sort()).toEqual(['external request: http://example.invalid/tracker.js', 'logged by the page', 'thrown by the page'].sort());
    expect(await browser.page.title()).toBe('allowed ran');
  });
});
