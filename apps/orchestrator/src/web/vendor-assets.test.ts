import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelMetadata, readTfliteModel, METADATA_BUFFER_NAME } from '@fermx/face-models';
import { CONTENT_SECURITY_POLICY, serveWebAsset } from './index.js';
import { TASKS_USAGE_LOG_CALL, VENDOR_ASSETS, withoutUsageLogging } from './vendor-assets.js';

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    void serveWebAsset(req, res).then((served) => {
      if (!served) {
        res.statusCode = 404;
        res.end('fallthrough');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => server.close());

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('/vendor/ assets of the Try-it page', () => {
  it('serves only allow-listed npm files: other /vendor/ paths and traversal fall through', async () => {
    for (const path of [
      '/vendor/tasks-vision/package.json',
      '/vendor/tasks-vision/wasm/../../../package.json',
      '/vendor/face-api/face_expression_model.bin',
      '/vendor/constructor',
      '/vendor/',
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it('serves wasm as application/wasm with an ETag that revalidates to 304', async () => {
    const res = await get('/vendor/tfjs-wasm/tfjs-backend-wasm-simd.wasm');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/wasm');
    expect(res.body.subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    expect((await get('/vendor/tfjs-wasm/tfjs-backend-wasm-simd.wasm', { 'if-none-match': String(res.headers.etag) })).status).toBe(304);
  });

  it('serves BlazeFace with the TFLite metadata tasks-vision needs', async () => {
    const res = await get('/vendor/models/blaze_face_short_range.tflite');
    expect(res.status).toBe(200);
    const entry = readTfliteModel(new Uint8Array(res.body)).metadata.find((m) => m.name === METADATA_BUFFER_NAME);
    expect(readModelMetadata(entry!.data).inputs[0]?.normalization).toEqual({ mean: [127.5], std: [127.5] });
  });

  it('serves tasks-vision without its usage-log upload to Google, and refuses a bundle it does not recognise', async () => {
    const res = await get('/vendor/tasks-vision/vision_bundle.mjs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const text = res.body.toString('utf8');
    expect(text).not.toContain(TASKS_USAGE_LOG_CALL);
    expect(text).not.toContain('odml.pa.googleapis.com');
    expect(text).toContain('FaceDetector');
    expect(() => withoutUsageLogging('export {}')).toThrow(/found it 0 times/);
  });

  it('lists only files from npm packages or built from them, each with a content type', () => {
    for (const [path, asset] of Object.entries(VENDOR_ASSETS)) {
      expect(path.startsWith('/vendor/')).toBe(true);
      expect(asset.type).toMatch(/^(text\/javascript|application\/(wasm|json|octet-stream))/);
      if ('file' in asset) expect(asset.file()).toContain('/node_modules/');
    }
  });

  it("keeps the page's CSP strict: this origin only, wasm compilation but no eval", async () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-eval'|'unsafe-inline'|https?:|\*/);
    expect((await get('/')).headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });
});
