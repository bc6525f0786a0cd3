import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAssetPath, serveWebAsset, WEB_ROOT } from './index.js';

let root: string;
let server: Server;
let port: number;

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'fermx-web-'));
  root = join(base, 'public');
  mkdirSync(join(root, 'lib'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(root, 'app.js'), 'export {};');
  writeFileSync(join(root, 'lib', 'x.js'), 'export const x = 1;');
  writeFileSync(join(root, '.secret.js'), 'nope');
  writeFileSync(join(base, 'outside.js'), 'outside');
  server = createServer((req, res) => {
    serveWebAsset(req, res, root).then(
      (served) => {
        if (!served) {
          res.statusCode = 404;
          res.end('fallthrough');
        }
      },
      (error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      },
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server.close();
  rmSync(join(root, '..'), { recursive: true, force: true });
});

/** Raw request: fetch() would normalise `..` away before it reaches the server. */
function get(
  path: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serveWebAsset', () => {
  it('serves / as index.html with a content security policy that allows only this origin', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<title>t</title>');
  });

  it('serves modules with a JavaScript type and answers a matching ETag with 304', async () => {
    const first = await get('/lib/x.js?v=1');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    const etag = String(first.headers.etag);
    const again = await get('/lib/x.js', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    const head = await get('/app.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('10');
  });

  it('never leaves the folder and leaves API paths, other methods and misses to the caller', async () => {
    for (const path of [
      '/../outside.js',
      '/lib/../../outside.js',
      '/%2e%2e/outside.js',
      '/lib%2f..%2f..%2foutside.js',
      '/..%5coutside.js',
      '/.secret.js',
      '/app.js%00.html',
      '/api/health',
      '/missing.js',
      '/lib',
      '/lib/',
    ]) {
      const res = await get(path);
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 404, body: 'fallthrough' });
    }
    expect((await get('/app.js', { method: 'POST' })).status).toBe(404);
  });

  it('maps paths without touching the disk', () => {
    expect(resolveAssetPath('/', '/srv/www')).toBe('/srv/www/index.html');
    expect(resolveAssetPath('/views/trial.js', '/srv/www/')).toBe('/srv/www/views/trial.js');
    expect(resolveAssetPath('/x.exe', '/srv/www')).toBeUndefined();
    expect(resolveAssetPath('/%E0%A4%A', '/srv/www')).toBeUndefined();
  });
});

describe('the shipped page', () => {
  const files = listFiles(WEB_ROOT).filter((f) => /\.(html|js|css)$/.test(f));

  it('has its entry points', () => {
    expect(files.map((f) => f.slice(WEB_ROOT.length))).toEqual(expect.arrayContaining(['index.html', 'app.js', 'styles.css']));
  });

  it('loads nothing from another origin (no CDN) and builds no markup from strings', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const external = [...text.matchAll(/(?:src|href)\s*=\s*["'](?:https?:)?\/\/|import\s[^'"]*['"]https?:|url\(\s*['"]?https?:/g)];
      expect({ file, external: external.map((m) => m[0]) }).toEqual({ file, external: [] });
      expect({ file, innerHTML: /\.innerHTML\s*=|insertAdjacentHTML/.test(text) }).toEqual({ file, innerHTML: false });
    }
  });

  it('resolves every relative module import to a file that exists', () => {
    for (const file of files.filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/from\s+['"](\.[^'"]+)['"]/g)) {
        const target = join(file, '..', m[1]!);
        expect({ file, target, exists: statSync(target, { throwIfNoEntry: false })?.isFile() ?? false }).toEqual({ file, target, exists: true });
      }
    }
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}
