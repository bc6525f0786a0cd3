import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { shortRangeDetectorWithMetadata } from '@fermx/face-models';
import { buildTryItBundle } from './try-it-bundle.js';

const require = createRequire(import.meta.url);

/** The folder of an installed npm package (found from its main entry: not every package exports ./package.json). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${name}: package folder not found above ${require.resolve(name)}`);
    dir = parent;
  }
  return dir;
}

/** A vendor asset: a file shipped in an npm package, or bytes fermx produces from such files. */
type VendorAsset = { type: string } & ({ file: () => string } | { build: () => Promise<Uint8Array> });

const JS = 'text/javascript; charset=utf-8';
const WASM = 'application/wasm';
const JSON_TYPE = 'application/json; charset=utf-8';
const BINARY = 'application/octet-stream';

const tasksVision = (file: string) => () => join(packageDir('@mediapipe/tasks-vision'), file);
const tfjsWasm = (file: string) => () => join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist', file);
const faceApiModel = (file: string) => () => join(packageDir('@vladmandic/face-api'), 'model', file);

/** The call with which tasks-vision posts usage logs to Google every minute and on close. */
export const TASKS_USAGE_LOG_CALL = 'this.o.send({url:"https://odml.pa.googleapis.com/v1/log"';

/**
 * tasks-vision's bundle with its usage-log upload removed: the page talks to this server only.
 * The call becomes `void(…)` (its arguments are still evaluated, nothing is sent, no callback
 * runs). Fails loudly when the pinned release no longer has that exact call.
 */
export function withoutUsageLogging(bundle: string): string {
  const count = bundle.split(TASKS_USAGE_LOG_CALL).length - 1;
  if (count !== 1)
    throw new Error(
      `@mediapipe/tasks-vision: expected its usage-log upload once in vision_bundle.mjs, found it ${count} times (a new release? update vendor-assets.ts)`,
    );
  return bundle.replace(TASKS_USAGE_LOG_CALL, 'void({url:""');
}

function once(build: () => Promise<Uint8Array | string>): () => Promise<Uint8Array> {
  let pending: Promise<Uint8Array> | undefined;
  return () => {
    pending ??= build()
      .then((body) => (typeof body === 'string' ? new TextEncoder().encode(body) : body))
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    return pending;
  };
}

/**
 * Everything the Try-it page loads besides its own modules, by URL: an explicit allow-list (no
 * path under /vendor/ maps onto the file system by itself). All of it comes from npm packages in
 * node_modules; nothing is fetched from another origin.
 */
export const VENDOR_ASSETS: Readonly<Record<string, VendorAsset>> = {
  // MediaPipe Tasks (vision): the ES module and its wasm runtime (SIMD and non-SIMD builds).
  '/vendor/tasks-vision/vision_bundle.mjs': {
    type: JS,
    build: once(async () => withoutUsageLogging(readFileSync(tasksVision('vision_bundle.mjs')(), 'utf8'))),
  },
  '/vendor/tasks-vision/wasm/vision_wasm_internal.js': { type: JS, file: tasksVision('wasm/vision_wasm_internal.js') },
  '/vendor/tasks-vision/wasm/vision_wasm_internal.wasm': { type: WASM, file: tasksVision('wasm/vision_wasm_internal.wasm') },
  '/vendor/tasks-vision/wasm/vision_wasm_nosimd_internal.js': { type: JS, file: tasksVision('wasm/vision_wasm_nosimd_internal.js') },
  '/vendor/tasks-vision/wasm/vision_wasm_nosimd_internal.wasm': { type: WASM, file: tasksVision('wasm/vision_wasm_nosimd_internal.wasm') },
  // BlazeFace short range from @mediapipe/face_detection with the TFLite metadata tasks-vision needs.
  '/vendor/models/blaze_face_short_range.tflite': { type: BINARY, build: once(async () => shortRangeDetectorWithMetadata()) },
  // TensorFlow.js (WebGL, wasm, cpu backends), face-api's 68-point landmark net, fermx's framing and masks.
  '/vendor/try-it-runtime.js': { type: JS, build: once(buildTryItBundle) },
  '/vendor/tfjs-wasm/tfjs-backend-wasm.wasm': { type: WASM, file: tfjsWasm('tfjs-backend-wasm.wasm') },
  '/vendor/tfjs-wasm/tfjs-backend-wasm-simd.wasm': { type: WASM, file: tfjsWasm('tfjs-backend-wasm-simd.wasm') },
  '/vendor/tfjs-wasm/tfjs-backend-wasm-threaded-simd.wasm': { type: WASM, file: tfjsWasm('tfjs-backend-wasm-threaded-simd.wasm') },
  '/vendor/face-api/face_landmark_68_model-weights_manifest.json': { type: JSON_TYPE, file: faceApiModel('face_landmark_68_model-weights_manifest.json') },
  '/vendor/face-api/face_landmark_68_model.bin': { type: BINARY, file: faceApiModel('face_landmark_68_model.bin') },
};

function setCommonHeaders(res: ServerResponse, type: string, length: number, etag: string): void {
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('ETag', etag);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', length);
}

function notModified(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  return Boolean(header && header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag));
}

/** Serves an allow-listed /vendor/ asset; false when the path is not one (the caller answers 404). */
export async function serveVendorAsset(req: IncomingMessage, res: ServerResponse, urlPath: string): Promise<boolean> {
  const asset = Object.hasOwn(VENDOR_ASSETS, urlPath) ? VENDOR_ASSETS[urlPath] : undefined;
  if (!asset) return false;
  if ('file' in asset) {
    const path = asset.file();
    const info = await stat(path);
    // npm files change only with an install: size and mtime make the ETag without hashing 13 MB.
    const etag = `"${createHash('sha1').update(`${path}:${info.size}:${info.mtimeMs}`).digest('base64url').slice(0, 20)}"`;
    if (notModified(req, etag)) return end304(res, etag);
    setCommonHeaders(res, asset.type, info.size, etag);
    res.statusCode = 200;
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    await new Promise<void>((resolve, reject) => createReadStream(path).on('error', reject).pipe(res).on('finish', resolve).on('error', reject));
    return true;
  }
  const body = await asset.build();
  const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`;
  if (notModified(req, etag)) return end304(res, etag);
  setCommonHeaders(res, asset.type, body.byteLength, etag);
  res.statusCode = 200;
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

function end304(res: ServerResponse, etag: string): true {
  res.setHeader('ETag', etag);
  res.statusCode = 304;
  res.end();
  return true;
}
