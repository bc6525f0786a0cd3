import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';

/** What a train set's teacher distribution depends on; the cache key hashes all of it. */
export interface TeacherReadingKey {
  datasetVersion: string;
  count: number;
  classes: readonly string[];
  temperature: number;
  tta: string;
  /** modelDigest of every teacher, in order. */
  teachers: readonly string[];
}

/**
 * sha256 of a model's weights (shapes and values, in order): a teacher is known by what it
 * computes, not by its name. Variable names are left out: tfjs numbers them by how many models a
 * process has built, which a resumed trial (no initFrom model loaded) does differently.
 */
export async function modelDigest(model: tf.LayersModel): Promise<string> {
  const hash = createHash('sha256');
  for (const weight of model.weights) {
    const values = (await weight.read().data()) as Float32Array;
    hash.update(`${weight.shape.join('x')};`);
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest('hex');
}

/**
 * Teacher distributions already read, one file per (dataset version, teachers' weights,
 * temperature, views) under `<cache dir>/teacher-targets/`, so a resumed or retried trial does not
 * read the train set through its teachers again (minutes on FER2013). A file of the wrong size is
 * ignored and read again.
 */
export class TeacherTargetCache {
  readonly dir: string;

  constructor(cacheDir: string | undefined, env: NodeJS.ProcessEnv = process.env) {
    this.dir = join(cacheDir ?? env.FERMX_CACHE_DIR ?? join(homedir(), '.cache', 'fermx'), 'teacher-targets');
  }

  static keyOf(key: TeacherReadingKey): string {
    return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);
  }

  async read(key: string, length: number): Promise<Float32Array | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    if (bytes.byteLength !== length * 4) return undefined;
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }

  /** Written to a temporary file and renamed, so a reader never sees half of one. */
  async write(key: string, values: Float32Array): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temporary = `${this.path(key)}.${process.pid}.tmp`;
    await writeFile(temporary, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    await rename(temporary, this.path(key));
  }

  private path(key: string): string {
    return join(this.dir, `${key}.f32`);
  }
}
