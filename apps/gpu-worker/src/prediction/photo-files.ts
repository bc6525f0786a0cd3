import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** Extensions predict takes from a folder (a file named on the command line is tried whatever its name). */
export const PHOTO_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif'];

/** IMAGE|DIR… → files: a folder gives its photos (by extension, sorted, not recursive); a missing path stays, to fail by name. */
export async function expandPhotoPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      const names = (await readdir(path)).filter((name) => PHOTO_EXTENSIONS.includes(extname(name).toLowerCase())).sort();
      out.push(...names.map((name) => join(path, name)));
    } else {
      out.push(path);
    }
  }
  return out;
}
