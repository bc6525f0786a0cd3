import { mkdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { readPhoto, writeAnnotatedPhoto } from '@fermx/data';
import type { FacePrediction, Predictor } from './predictor.js';

export type FileOutcome = { file: string; width: number; height: number; faces: FacePrediction[]; annotated?: string } | { file: string; error: string };

/** The name an annotated copy gets in the output folder: the photo's own, `-2`, `-3`… on a clash. */
export function annotatedName(file: string, taken: Set<string>): string {
  const ext = extname(file).toLowerCase();
  const stem = basename(file, extname(file));
  const outExt = ['.jpg', '.jpeg', '.png', '.webp'].includes(ext) ? ext : '.png';
  let name = `${stem}${outExt}`;
  for (let n = 2; taken.has(name); n++) name = `${stem}-${n}${outExt}`;
  taken.add(name);
  return name;
}

/**
 * Runs the predictor over files one by one. A file that cannot be read or decoded becomes an
 * error entry naming it; the others still run.
 */
export async function predictFiles(
  predictor: Predictor,
  files: readonly string[],
  options: { annotateDir?: string; onFile?: (outcome: FileOutcome) => void } = {},
): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  const taken = new Set<string>();
  if (options.annotateDir) await mkdir(options.annotateDir, { recursive: true });
  for (const file of files) {
    let outcome: FileOutcome;
    try {
      const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        throw new Error(`${file}: ${error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'is a folder' : error.message}`);
      });
      const photo = await readPhoto(bytes, file);
      const faces = await predictor.predictPhoto(photo);
      outcome = { file, width: photo.width, height: photo.height, faces };
      if (options.annotateDir) {
        const path = join(options.annotateDir, annotatedName(file, taken));
        const labels = faces.map((face, i) => ({
          box: face.box,
          crop: face.crop,
          label: `${i + 1}: ${face.top.label} ${(face.top.probability * 100).toFixed(0)}%`,
        }));
        await writeAnnotatedPhoto(bytes, labels, path).catch((error: Error) => {
          throw new Error(`${file}: could not write ${path}: ${error.message.split('\n')[0]}`);
        });
        outcome.annotated = path;
      }
    } catch (error) {
      outcome = { file, error: (error as Error).message };
    }
    outcomes.push(outcome);
    options.onFile?.(outcome);
  }
  return outcomes;
}
