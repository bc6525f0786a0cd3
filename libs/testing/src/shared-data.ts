import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Path to a file under `../shared/data` beside the checkout, or undefined when absent. */
export function sharedDataPath(relative: string): string | undefined {
  const path = join(repoRoot, '..', 'shared', 'data', relative);
  return existsSync(path) ? path : undefined;
}

export const SHARED_FER2013 = {
  csv: 'fer2013/fer2013-train-publictest.csv.gz',
  ferplus: 'fer2013/fer2013new-train-publictest.csv',
} as const;
