import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** `file://./rel` → `file:///abs/rel`, so workers started elsewhere find the same folder. */
export function absoluteDatasetUri(uri: string): string {
  if (!uri.startsWith('file://') || uri.startsWith('file:///')) return uri.replace(/\/+$/, '');
  return pathToFileURL(resolve(decodeURIComponent(uri.slice('file://'.length)))).href.replace(/\/+$/, '');
}
