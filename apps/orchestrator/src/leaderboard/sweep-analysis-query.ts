import type { Runtime } from '../runtime.js';
import { analyseSweep, type SweepAnalysis } from './sweep-analysis.js';

/** `GET /api/sweeps/:id/analysis`: the analysis of one sweep; undefined when there is no such sweep. */
export async function sweepAnalysis(runtime: Pick<Runtime, 'index' | 'catalog' | 'halving'>, sweepId: string): Promise<SweepAnalysis | undefined> {
  const record = await runtime.catalog.get(sweepId);
  if (!record) return undefined;
  const [rows, rungs] = await Promise.all([runtime.index.query({ sweepId }), runtime.halving.rungs(sweepId)]);
  return analyseSweep(record.spec, rows, rungs);
}
