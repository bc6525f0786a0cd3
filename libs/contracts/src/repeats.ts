import type { LeaderboardRow } from './leaderboard-row.js';
import { canonicalJson } from './trial-id.js';

/** Largest `repeats:` a sweep spec accepts. */
export const MAX_REPEATS = 20;

/**
 * Seed of replicate k (0-based) of a configuration whose own seed is `base`: replicate 0 keeps
 * the base seed (so `repeats: 1` trains exactly the trials a spec without repeats trains), the
 * others are base + k. Deterministic, so a resubmitted spec yields the same trial ids.
 */
export function replicateSeed(base: number, k: number): number {
  return base + k;
}

/** Mean and sample standard deviation (n - 1); sd is null for a single value. */
export interface MeanSd {
  mean: number;
  sd: number | null;
}

export function meanSd(values: readonly number[]): MeanSd {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sd: null };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, sd: Math.sqrt(variance) };
}

/**
 * One configuration trained with several seeds (`repeats: K`), as one leaderboard line
 * (`GET /api/leaderboard?aggregate=repeats`, `fermx leaderboard --aggregate`).
 */
export interface AggregatedRow {
  rank: number;
  /** Same configuration = same dataset, model, variant and parameters except the seed. */
  configKey: string;
  trialIds: string[];
  seeds: number[];
  replicates: number;
  sweepId: string;
  sweepName: string;
  variant?: string;
  dataset: string;
  model: string;
  /** The parameters without `seed`. */
  params: Record<string, unknown>;
  parameters: number;
  valAccuracy: MeanSd;
  /** null when a replicate has no test accuracy. */
  testAccuracy: MeanSd | null;
  macroF1: MeanSd;
  /**
   * The replicates' other model (the last epoch's when the best is ranked, and vice versa), so
   * best-epoch and last-epoch figures stay apart; null unless every replicate ranks the same one
   * and records the other's val accuracy.
   */
  other: { model: 'last' | 'best'; valAccuracy: MeanSd; testAccuracy: MeanSd | null } | null;
  imagesPerSecond: MeanSd;
  trainingSeconds: MeanSd;
  /** `completed` when every replicate completed, else the statuses joined (`completed+stopped-early`). */
  status: string;
}

/** The grouping key of a row: its configuration without the seed. */
export function configKeyOf(row: Pick<LeaderboardRow, 'dataset' | 'model' | 'variant' | 'params'>): string {
  const { seed: _seed, ...params } = row.params;
  return canonicalJson({ dataset: row.dataset, model: row.model, variant: row.variant ?? null, params });
}

/** Groups rows that differ only in their seed; best mean val accuracy first. */
export function aggregateRepeats(rows: readonly LeaderboardRow[]): AggregatedRow[] {
  const groups = new Map<string, LeaderboardRow[]>();
  for (const row of rows) {
    const key = configKeyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const out: AggregatedRow[] = [];
  for (const [configKey, group] of groups) {
    group.sort((a, b) => seedOf(a) - seedOf(b) || a.trialId.localeCompare(b.trialId));
    const first = group[0]!;
    const { seed: _seed, ...params } = first.params;
    const tests = group.map((r) => r.testAccuracy);
    const statuses = [...new Set(group.map((r) => r.status))].sort();
    const row: AggregatedRow = {
      rank: 0,
      configKey,
      trialIds: group.map((r) => r.trialId),
      seeds: group.map(seedOf),
      replicates: group.length,
      sweepId: first.sweepId,
      sweepName: first.sweepName,
      dataset: first.dataset,
      model: first.model,
      params,
      parameters: first.parameters,
      valAccuracy: meanSd(group.map((r) => r.valAccuracy)),
      testAccuracy: tests.every((t): t is number => typeof t === 'number') ? meanSd(tests) : null,
      macroF1: meanSd(group.map((r) => r.macroF1)),
      other: otherModel(group),
      imagesPerSecond: meanSd(group.map((r) => r.imagesPerSecond)),
      trainingSeconds: meanSd(group.map((r) => r.trainingSeconds)),
      status: statuses.join('+'),
    };
    if (first.variant) row.variant = first.variant;
    out.push(row);
  }
  out.sort((a, b) => b.valAccuracy.mean - a.valAccuracy.mean || a.configKey.localeCompare(b.configKey));
  out.forEach((row, i) => (row.rank = i + 1));
  return out;
}

function otherModel(group: readonly LeaderboardRow[]): AggregatedRow['other'] {
  const ranked = group[0]!.ranked;
  if (group.some((r) => r.ranked !== ranked)) return null;
  const vals = group.map((r) => r.otherValAccuracy);
  if (!vals.every((v): v is number => typeof v === 'number')) return null;
  const tests = group.map((r) => r.otherTestAccuracy);
  return {
    model: ranked === 'best' ? 'last' : 'best',
    valAccuracy: meanSd(vals),
    testAccuracy: tests.every((t): t is number => typeof t === 'number') ? meanSd(tests) : null,
  };
}

function seedOf(row: Pick<LeaderboardRow, 'params'>): number {
  const seed = row.params.seed;
  return typeof seed === 'number' ? seed : 0;
}
