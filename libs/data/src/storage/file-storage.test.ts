import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStorage } from './open-storage.js';
import type { FileStorage } from './file-storage.js';
import { InvalidStorageUriError, StorageNotFoundError } from './storage.js';

describe('file:// storage', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fermx-file-storage-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips bytes and strings, lists sorted recursively, deletes', async () => {
    const storage = openStorage(pathToFileURL(dir).href);
    await storage.put('datasets/ferm/v1/shards/b.tfrecord', new Uint8Array([1, 2, 3]));
    await storage.put('datasets/ferm/v1/manifest.json', '{"ok":true}');
    await storage.put('runs/s1/t1/result.json', 'r');
    expect(Array.from(await storage.get('datasets/ferm/v1/shards/b.tfrecord'))).toEqual([1, 2, 3]);
    expect(new TextDecoder().decode(await storage.get('datasets/ferm/v1/manifest.json'))).toBe('{"ok":true}');
    expect(await storage.list('datasets/')).toEqual(['datasets/ferm/v1/manifest.json', 'datasets/ferm/v1/shards/b.tfrecord']);
    expect(await storage.list('datasets/ferm/v1/sh')).toEqual(['datasets/ferm/v1/shards/b.tfrecord']);
    expect(await storage.list('')).toHaveLength(3);
    expect(await storage.list('nothing/here/')).toEqual([]);
    expect(await storage.exists('runs/s1/t1/result.json')).toBe(true);
    await storage.delete('runs/s1/t1/result.json');
    await storage.delete('runs/s1/t1/result.json');
    expect(await storage.exists('runs/s1/t1/result.json')).toBe(false);
    expect(await storage.exists('runs/s1')).toBe(false);
  });

  it('reports missing keys as undefined or StorageNotFoundError', async () => {
    const storage = openStorage(pathToFileURL(dir).href);
    expect(await storage.getOptional('missing.json')).toBeUndefined();
    await expect(storage.get('missing.json')).rejects.toBeInstanceOf(StorageNotFoundError);
  });

  it('overwrites atomically and hides temp files from list', async () => {
    const storage = openStorage(pathToFileURL(dir).href);
    await storage.put('a/x.bin', 'one');
    await storage.put('a/x.bin', 'two');
    writeFileSync(join(dir, 'a', '.tmp-abc-x.bin'), 'partial');
    expect(new TextDecoder().decode(await storage.get('a/x.bin'))).toBe('two');
    expect(await storage.list('a/')).toEqual(['a/x.bin']);
    expect(readdirSync(join(dir, 'a')).filter((n) => n.startsWith('.tmp-') && n !== '.tmp-abc-x.bin')).toEqual([]);
  });

  it('resolves relative file:// URIs against the working directory', () => {
    const storage = openStorage('file://./.fermx') as FileStorage;
    expect(storage.root).toBe(join(process.cwd(), '.fermx'));
    expect(storage.uri).toBe(pathToFileURL(join(process.cwd(), '.fermx')).href);
    expect(storage.uriOf('x/y.json')).toBe(pathToFileURL(join(process.cwd(), '.fermx', 'x', 'y.json')).href);
  });

  it('opens a plain path like the file:// URI of it', () => {
    expect((openStorage('models/best') as FileStorage).root).toBe(join(process.cwd(), 'models', 'best'));
    expect((openStorage(dir) as FileStorage).root).toBe(dir);
  });

  it('rejects keys that escape the root and unknown schemes', async () => {
    const storage = openStorage(pathToFileURL(dir).href);
    await expect(storage.put('../evil', 'x')).rejects.toThrow(/invalid storage key/);
    await expect(storage.get('/etc/passwd')).rejects.toThrow(/invalid storage key/);
    expect(() => openStorage('ftp://host/x')).toThrow(/expected file:\/\/PATH, a path, or s3:\/\/BUCKET\/PREFIX/);
    expect(() => openStorage('ftp://host/x')).toThrow(InvalidStorageUriError);
    expect(() => openStorage('s3://A_B/x')).toThrow(/not an S3 bucket name/);
  });
});
