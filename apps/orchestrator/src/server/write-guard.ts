import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from '../config.js';
import { checkBearer, HttpError } from './http-io.js';

/** Media types a write may carry: JSON and YAML, nothing a browser can send cross-site without a preflight. */
const WRITE_CONTENT_TYPE = /^(application\/json|application\/[\w.-]+\+json|application\/(x-)?yaml|text\/(x-)?yaml)\s*(;|$)/i;

export interface WritePolicy {
  /** FERMX_API_TOKEN; undefined = writes open (the server then listens on loopback only). */
  token: string | undefined;
}

/**
 * The one gate every request that changes state (any method but GET/HEAD/OPTIONS) passes before
 * its route runs, so a route added later cannot forget it: same-origin only (403), the bearer
 * token when one is set (401), and a JSON/YAML body (415).
 */
export function guardWrite(req: IncomingMessage, policy: WritePolicy): void {
  refuseCrossSite(req);
  checkBearer(req, policy.token);
  checkWriteContentType(req);
}

/** True for methods that change nothing (they skip guardWrite). */
export function isReadMethod(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/**
 * Browsers say where a request comes from: `Sec-Fetch-Site` (anything but same-origin, or none for
 * a typed URL, is another site — a page on another port is `same-site`) and `Origin`, which must
 * name this server's own host: its `Host`, or the `X-Forwarded-Host` a reverse proxy sets (a page
 * cannot add that header to a request without a CORS preflight, which this server never grants).
 * Clients that are not browsers (curl, the CLI) send neither.
 */
export function refuseCrossSite(req: IncomingMessage): void {
  const site = header(req, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new HttpError(403, `cross-site request refused (Sec-Fetch-Site: ${site})`);
  const origin = header(req, 'origin');
  if (origin === undefined) return;
  let originHost: string | undefined;
  try {
    originHost = origin === 'null' ? undefined : new URL(origin).host;
  } catch {
    originHost = undefined;
  }
  const own = [header(req, 'host'), header(req, 'x-forwarded-host')?.split(',')[0]?.trim()].filter((h): h is string => Boolean(h)).map((h) => h.toLowerCase());
  if (!originHost || !own.includes(originHost.toLowerCase())) throw new HttpError(403, 'cross-site request refused (Origin is not this server)');
}

/**
 * Without a token the server listens on loopback only; a Host header naming anything else is a
 * DNS-rebinding page (another site's name resolved to 127.0.0.1), refused for every API request.
 */
export function checkLoopbackHost(req: IncomingMessage, policy: WritePolicy): void {
  if (policy.token) return;
  const host = header(req, 'host');
  const name = host?.replace(/:\d+$/, '');
  if (!name || !isLoopbackHost(name)) throw new HttpError(403, 'this server answers loopback host names only (set FERMX_API_TOKEN to serve other hosts)');
}

/** A write with a body (or a declared type) must be JSON or YAML; a body-less write may omit the type. */
export function checkWriteContentType(req: IncomingMessage): void {
  const type = header(req, 'content-type');
  const hasBody = header(req, 'transfer-encoding') !== undefined || Number(header(req, 'content-length') ?? 0) > 0;
  if (type === undefined && !hasBody) return;
  if (type === undefined || !WRITE_CONTENT_TYPE.test(type)) {
    throw new HttpError(415, 'writes take Content-Type application/json or application/yaml');
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
