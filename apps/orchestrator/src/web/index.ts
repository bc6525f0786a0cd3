import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveVendorAsset } from './vendor-assets.js';

/** Folder holding the leaderboard page (index.html, app.js, styles.css, modules). */
export const WEB_ROOT = fileURLToPath(new URL('./public/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

// Everything the page needs comes from this origin; the policy makes a stray CDN link fail loudly.
// 'wasm-unsafe-eval' lets the Try-it page compile WebAssembly (MediaPipe Tasks, tfjs' wasm
// backend) from this origin's .wasm files; it allows no JavaScript eval.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Maps a request path to a file under `root`, or undefined when it is not a servable asset
 * (API paths, traversal attempts, dotfiles, encoded separators, unknown extensions).
 */
export function resolveAssetPath(urlPath: string, root: string = WEB_ROOT): string | undefined {
  if (urlPath === '/api' || urlPath.startsWith('/api/')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  // Encoded separators or NUL can only be an attempt to escape the folder.
  if (decoded.includes('\0') || decoded.includes('\\') || /%2f|%5c/i.test(urlPath)) return undefined;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const segments = relative.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s.startsWith('.'))) return undefined;
  if (!(extname(relative).toLowerCase() in CONTENT_TYPES)) return undefined;
  const base = normalize(root.endsWith(sep) ? root : root + sep);
  const full = normalize(join(base, relative));
  return full.startsWith(base) ? full : undefined;
}

/**
 * Serves `/` and the page's static files for GET/HEAD. Returns false when the request is not
 * for an asset (the caller answers it, e.g. with 404), true when a response was sent.
 */
export async function serveWebAsset(req: IncomingMessage, res: ServerResponse, root: string = WEB_ROOT): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const urlPath = (req.url ?? '/').split(/[?#]/, 1)[0] ?? '/';
  if (urlPath.startsWith('/vendor/')) return serveVendorAsset(req, res, urlPath);
  const file = resolveAssetPath(urlPath, root);
  if (!file) return false;
  let body: Buffer;
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    body = await readFile(file);
  } catch {
    return false;
  }
  const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`;
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  // No content hashes in file names (no build step), so browsers revalidate every time; the ETag
  // makes that a cheap 304.
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('ETag', etag);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  if (type.startsWith('text/html')) res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  if (matchesEtag(req.headers['if-none-match'], etag)) {
    res.statusCode = 304;
    res.end();
    return true;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', body.length);
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
}
