/** Checks a storage key: relative, slash-separated, no `.`/`..` segments (keys never escape the root). */
export function checkKey(key: string): string {
  if (key === '' || key.startsWith('/') || key.includes('\\') || key.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error(`invalid storage key "${key}": use a relative slash-separated path without "." or ".." segments`);
  }
  return key;
}

/** A list prefix: like a key, but may be empty (everything) or end with a slash. */
export function checkPrefix(prefix: string): string {
  if (prefix === '') return '';
  checkKey(prefix.endsWith('/') ? prefix.slice(0, -1) || 'x' : prefix);
  return prefix;
}

export function toBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? new TextEncoder().encode(body) : body;
}
