/**
 * The Try-it page's speed (`npm run bench:predict`, after the CLI half in bench/predict.ts), not a
 * test: frames per second of the page's webcam loop (MediaPipe face detection → FER framing →
 * mask → model, and drawing) in Debian's headless chromium, whose camera is chromium's fake device
 * playing a 640×480 Y4M of face-api's demo photos (made with Debian's ffmpeg). Headless chromium
 * here has no GPU: WebGL (which MediaPipe Tasks feeds images through) is SwiftShader, software,
 * and the page runs the model on tfjs' wasm backend; the output says so.
 * Flags: --model DIR (default models/ferm-m-xception), --seconds N (default 20), --photo N (which
 * demo photo the camera shows, default 1).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fakeCameraArgs, fakeCameraVideo, launchChromium } from '@fermx/testing';
import { serveWebAsset } from '../apps/orchestrator/src/web/index.js';
import { samplePhotos } from './predict.js';

export interface PageLoopSpeed {
  framesPerSecond: number;
  frames: number;
  faces: number;
  backend: string;
  webgl: string;
  loadSeconds: number;
}

const BENCH_TRIAL = 't-0000000000bench0';

/** The page's static files plus one trial's model files from a local folder: enough for the Try-it page. */
function pageServer(modelDir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === `/api/trials/${BENCH_TRIAL}`) {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          modelFiles: ['model.json', 'weights.bin', 'metadata.json'].map((name) => ({ name, url: `/api/trials/${BENCH_TRIAL}/files/${name}` })),
        }),
      );
      return;
    }
    const file = /^\/api\/trials\/[^/]+\/files\/(model\.json|weights\.bin|metadata\.json)$/.exec(url)?.[1];
    if (file) {
      res.end(readFileSync(join(modelDir, file)));
      return;
    }
    void serveWebAsset(req, res).then((served) => {
      if (!served) {
        res.statusCode = 404;
        res.end('{}');
      }
    });
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

export async function measurePageLoop(options: { model: string; seconds: number; photo: string }): Promise<PageLoopSpeed> {
  const work = mkdtempSync(join(tmpdir(), 'fermx-bench-page-'));
  const video = join(work, 'camera.y4m');
  const server = await pageServer(resolve(options.model));
  const { page, close } = await launchChromium({
    webgl: true,
    args: fakeCameraArgs(await fakeCameraVideo([options.photo], video, { secondsEach: 3, fps: 15 })),
  });
  try {
    const started = performance.now();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/#/try/trial/${BENCH_TRIAL}`);
    await page.waitForFunction(() => /^Ready|^Could not/.test(document.querySelector('#try-status')?.textContent ?? ''), null, { timeout: 300_000 });
    const status = (await page.textContent('#try-status')) ?? '';
    if (!status.startsWith('Ready')) throw new Error(`the page did not start: ${status}`);
    const loadSeconds = (performance.now() - started) / 1000;
    const webgl = await page.evaluate(() => {
      const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
      const info = gl?.getExtension('WEBGL_debug_renderer_info');
      return gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'none';
    });
    await page.click('#try-camera');
    // Warm-up (first frames compile kernels), then count frames over the measured window.
    await page.waitForFunction(() => Number(document.querySelector('#try-fps')?.getAttribute('data-frames')) >= 3, null, { timeout: 300_000 });
    const frames0 = Number(await page.getAttribute('#try-fps', 'data-frames'));
    const t0 = performance.now();
    await page.waitForTimeout(options.seconds * 1000);
    const frames1 = Number(await page.getAttribute('#try-fps', 'data-frames'));
    const elapsed = (performance.now() - t0) / 1000;
    const faces = await page.locator('#try-faces article.face').count();
    const backend = (await page.getAttribute('#main', 'data-backend')) ?? '?';
    return { framesPerSecond: (frames1 - frames0) / elapsed, frames: frames1 - frames0, faces, backend, webgl, loadSeconds };
  } finally {
    await close();
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'models/ferm-m-xception' },
      seconds: { type: 'string', default: '20' },
      photo: { type: 'string', default: '1' },
    },
  });
  const photo = samplePhotos()[Number(values.photo) - 1];
  if (!photo) throw new Error(`--photo must be 1..${samplePhotos().length}`);
  const speed = await measurePageLoop({ model: values.model!, seconds: Number(values.seconds), photo });
  const software = /swiftshader|llvmpipe|software/i.test(speed.webgl);
  console.log(`Try-it page (headless chromium, camera = ${photo.split('/').pop()} at 640×480): page ready in ${speed.loadSeconds.toFixed(1)} s`);
  console.log(
    `webcam loop: ${speed.framesPerSecond.toFixed(2)} frames/s over ${speed.frames} frames, ${speed.faces} face(s) per frame; model on tfjs ${speed.backend}; WebGL ${software ? 'SOFTWARE' : 'hardware'} (${speed.webgl})`,
  );
}
