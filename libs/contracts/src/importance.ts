/**
 * Hyperparameter importance by PED-ANOVA (Watanabe, Bansal & Hutter, IJCAI 2023): how much the
 * marginal distribution of a parameter among the top trials differs from its distribution among
 * all trials. With γ' = |top| / |all|, the importance of parameter d is the Pearson divergence
 *
 *   v_d = γ'² · Σ_x p_all(x) · (p_top(x) / p_all(x) − 1)²
 *
 * over the parameter's values x (categories; numeric parameters are smoothed by a Gaussian kernel
 * density on a grid of GRID_STEPS points). Importances are then normalised to sum to 1.
 * docs/LEADERBOARD.md, "Sweep analysis".
 */

/** Fewer finished trials than this: the estimate is noise, so it is refused. */
export const MIN_IMPORTANCE_TRIALS = 10;
/** Share of trials (best first) that forms the top set; at least 2 trials. */
export const TOP_QUANTILE = 0.1;
const GRID_STEPS = 50;

/** How a parameter's values are compared: as categories, or numbers on a linear or log scale. */
export type ParameterScale = 'categorical' | 'linear' | 'log';

export interface ImportanceInput {
  /** Parameters to rate, with their scale. */
  parameters: { name: string; scale: ParameterScale }[];
  /** Finished trials: the searched values and the objective. */
  trials: { values: Record<string, unknown>; objective: number }[];
  goal: 'max' | 'min';
}

export type ImportanceResult =
  { ok: true; topTrials: number; trials: number; importances: { name: string; importance: number; divergence: number }[] } | { ok: false; reason: string };

export function pedAnovaImportance(input: ImportanceInput): ImportanceResult {
  const trials = input.trials.filter((t) => Number.isFinite(t.objective));
  if (trials.length < MIN_IMPORTANCE_TRIALS) {
    return { ok: false, reason: `parameter importance needs at least ${MIN_IMPORTANCE_TRIALS} finished trials; this sweep has ${trials.length}` };
  }
  if (input.parameters.length === 0) return { ok: false, reason: 'no parameter varies in this sweep' };
  const sorted = [...trials].sort((a, b) => (input.goal === 'max' ? b.objective - a.objective : a.objective - b.objective));
  const topCount = Math.max(2, Math.ceil(TOP_QUANTILE * trials.length));
  const top = sorted.slice(0, topCount);
  const gamma = topCount / trials.length;
  const divergences = input.parameters.map(({ name, scale }) => {
    const all = trials.map((t) => t.values[name]);
    const best = top.map((t) => t.values[name]);
    const [pAll, pTop] = scale === 'categorical' ? categorical(all, best) : smoothed(all, best, scale === 'log');
    let sum = 0;
    for (let i = 0; i < pAll.length; i++) if (pAll[i]! > 0) sum += pAll[i]! * (pTop[i]! / pAll[i]! - 1) ** 2;
    return { name, divergence: gamma * gamma * sum };
  });
  const total = divergences.reduce((a, d) => a + d.divergence, 0);
  const importances = divergences
    .map((d) => ({ ...d, importance: total > 0 ? d.divergence / total : 0 }))
    .sort((a, b) => b.importance - a.importance || a.name.localeCompare(b.name));
  return { ok: true, topTrials: topCount, trials: trials.length, importances };
}

/** Category frequencies among all and top trials (same category order). */
function categorical(all: unknown[], top: unknown[]): [number[], number[]] {
  const keys = [...new Set(all.map((v) => JSON.stringify(v ?? null)))];
  const freq = (values: unknown[]) => {
    const counts = keys.map(() => 0);
    for (const v of values) counts[keys.indexOf(JSON.stringify(v ?? null))]! += 1;
    return counts.map((c) => c / values.length);
  };
  return [freq(all), freq(top)];
}

/** Gaussian kernel densities (Scott's rule) of all and top values on a shared grid, each summing to 1. */
function smoothed(all: unknown[], top: unknown[], log: boolean): [number[], number[]] {
  const toNumber = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && (!log || v > 0) ? (log ? Math.log10(v) : v) : undefined);
  const xs = all.map(toNumber).filter((v): v is number => v !== undefined);
  const ts = top.map(toNumber).filter((v): v is number => v !== undefined);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const range = hi - lo || 1;
  const grid = Array.from({ length: GRID_STEPS }, (_, i) => lo + (range * i) / (GRID_STEPS - 1));
  const density = (values: number[]) => {
    const n = values.length;
    const mean = values.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, n - 1));
    // Scott's rule, floored so identical values still spread over a few grid steps.
    const bandwidth = Math.max(1.06 * sd * n ** -0.2, (range / GRID_STEPS) * 2);
    const p = grid.map((g) => values.reduce((a, v) => a + Math.exp(-0.5 * ((g - v) / bandwidth) ** 2), 0));
    const sum = p.reduce((a, b) => a + b, 0);
    return p.map((v) => v / sum);
  };
  return [density(xs), density(ts)];
}
