import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import { isGzip } from '../fer2013/line-reader.js';
import type { SourceInfo } from './manifest.js';

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** sha256 of a source file plus its line count (for the progress ETA), in one streaming pass. */
export async function describeSource(path: string): Promise<SourceInfo & { lines: number }> {
  const info = await stat(path).catch(() => {
    throw new Error(`source file not found: ${path}`);
  });
  if (!info.isFile()) throw new Error(`source is not a file: ${path}`);
  const hash = createHash('sha256');
  let lines = 0;
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const counting = (chunk: Buffer) => {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
  };
  if (await isGzip(path)) {
    const gunzip = createGunzip();
    raw.on('data', (chunk: Buffer | string) => {
      hash.update(chunk);
    });
    raw.pipe(gunzip);
    // A corrupt gzip is a source problem: name the file.
    await new Promise<void>((resolve, reject) => {
      gunzip.on('data', counting);
      gunzip.on('end', resolve);
      gunzip.on('error', (e) => reject(new Error(`${path}: cannot decompress: ${e.message}`)));
      raw.on('error', reject);
    });
  } else {
    for await (const chunk of raw) {
      hash.update(chunk as Buffer);
      counting(chunk as Buffer);
    }
  }
  return { file: basename(path), sha256: hash.digest('hex'), bytes: info.size, lines };
}
