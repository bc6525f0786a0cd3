import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkKey, checkPrefix, toBytes } from './keys.js';
import { getRequired, StorageUnavailableError, type Storage } from './storage.js';

const TEMP_MARK = '.tmp-';

/**
 * `file://` storage: keys are files under a root directory. Writes go to a temp file in the
 * same directory, then rename, so a reader never sees half an object (a crash leaves only a
 * temp file, which `list` ignores).
 */
export class FileStorage implements Storage {
  readonly uri: string;

  constructor(readonly root: string) {
    this.root = resolve(root);
    this.uri = pathToFileURL(this.root).href;
  }

  uriOf(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  /** Absolute path of a key, for callers that need a local file (caches, sharp). */
  pathOf(key: string): string {
    return join(this.root, ...checkKey(key).split('/'));
  }

  get(key: string): Promise<Uint8Array> {
    return getRequired(this, key);
  }

  async getOptional(key: string): Promise<Uint8Array | undefined> {
    try {
      const buffer = await readFile(this.pathOf(key));
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if (isCode(error, 'ENOENT') || isCode(error, 'EISDIR') || isCode(error, 'ENOTDIR')) return undefined;
      throw unavailable(`read ${this.uriOf(key)}`, error);
    }
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const path = this.pathOf(key);
    const temp = join(dirname(path), `${TEMP_MARK}${randomBytes(6).toString('hex')}-${path.split(sep).pop()}`);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(temp, toBytes(body));
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw unavailable(`write ${this.uriOf(key)}`, error);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return false;
      throw unavailable(`stat ${this.uriOf(key)}`, error);
    }
  }

  async list(prefix: string): Promise<string[]> {
    checkPrefix(prefix);
    // Walk only the deepest directory the prefix names, then filter by the full prefix.
    const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = dirPart ? join(this.root, ...dirPart.split('/')) : this.root;
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return;
        throw unavailable(`list ${pathToFileURL(dir).href}`, error);
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile() && !entry.name.startsWith(TEMP_MARK)) {
          const key = relative(this.root, full).split(sep).join('/');
          if (key.startsWith(prefix)) keys.push(key);
        }
      }
    };
    await walk(start);
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    try {
      await rm(this.pathOf(key), { force: true });
    } catch (error) {
      throw unavailable(`delete ${this.uriOf(key)}`, error);
    }
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

function unavailable(what: string, error: unknown): StorageUnavailableError {
  const reason = error instanceof Error ? error.message : String(error);
  return new StorageUnavailableError(`storage: cannot ${what}: ${reason}`, { cause: error });
}
