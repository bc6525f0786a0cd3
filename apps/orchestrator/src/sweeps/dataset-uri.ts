import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `file://./rel` and plain paths (`datasets/ferm/v1`, `/data/ferm`) → `file:///abs/…`, so workers
 * started elsewhere find the same folder; `s3://…` is kept as it is.
 */
export function absoluteDatasetUri(uri: string): string {
  const trimmed = uri.replace(/\/+$/, '');
  if (trimmed.startsWith('file:///')) return trimmed;
  if (trimmed.startsWith('file://')) return pathToFileURL(resolve(decodeURIComponent(trimmed.slice('file://'.length)))).href;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(trimmed)) return trimmed;
  return pathToFileURL(resolve(trimmed)).href;
}
