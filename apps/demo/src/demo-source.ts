import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticFer2013Csv } from './synthetic-fer2013.js';

/** Where the demo's FER2013 rows come from, in the order the demo looks. */
export interface DemoSource {
  kind: 'flag' | 'env' | 'shared' | 'synthetic';
  csv: string;
  ferplus?: string;
  /** Human words for the log and the leaderboard, e.g. "synthetic (generated in code)". */
  label: string;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * `--source` > `FERMX_FER2013` > `../shared/data/fer2013` beside the checkout > a synthetic sample
 * generated in code (called synthetic wherever it shows).
 */
export function resolveDemoSource(options: { source?: string; ferplus?: string; env: NodeJS.ProcessEnv; workDir: string; syntheticRows: number }): DemoSource {
  if (options.source)
    return {
      kind: 'flag',
      csv: resolve(options.source),
      ...(options.ferplus ? { ferplus: resolve(options.ferplus) } : {}),
      label: `FER2013 from ${options.source}`,
    };
  const fromEnv = options.env.FERMX_FER2013;
  if (fromEnv)
    return {
      kind: 'env',
      csv: resolve(fromEnv),
      ...(options.env.FERMX_FERPLUS ? { ferplus: resolve(options.env.FERMX_FERPLUS) } : {}),
      label: `FER2013 from FERMX_FER2013=${fromEnv}`,
    };
  const shared = join(repoRoot, '..', 'shared', 'data', 'fer2013');
  const csv = join(shared, 'fer2013-train-publictest.csv.gz');
  if (existsSync(csv)) {
    const ferplus = join(shared, 'fer2013new-train-publictest.csv');
    return { kind: 'shared', csv, ...(existsSync(ferplus) ? { ferplus } : {}), label: 'FER2013 + FER+ from ../shared/data' };
  }
  mkdirSync(options.workDir, { recursive: true });
  const path = join(options.workDir, 'synthetic-fer2013.csv');
  writeFileSync(path, syntheticFer2013Csv(options.syntheticRows));
  return { kind: 'synthetic', csv: path, label: `synthetic faces (${options.syntheticRows} rows generated in code, not FER2013)` };
}
