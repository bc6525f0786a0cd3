import type { EpochMetrics } from './model-config.js';
import type { Metric, MetricName, MetricSpec, TrialResult } from './trial.js';

/** The objective of sweeps that name none, and of the plain `val_accuracy` shorthand. */
export const DEFAULT_METRIC: MetricSpec = { name: 'val_accuracy', goal: 'max', summary: 'last' };

/** Goal when a spec names a metric without one: losses are minimised, the rest maximised. */
export function defaultGoal(name: MetricName): 'max' | 'min' {
  return name.endsWith('_loss') ? 'min' : 'max';
}

/** A trial's objective as a full MetricSpec (the plain `val_accuracy` of older jobs included). */
export function resolveMetric(metric: Metric | undefined): MetricSpec {
  return metric === undefined || metric === 'val_accuracy' ? DEFAULT_METRIC : metric;
}

/** The metric's value in one epoch's figures; undefined when the epoch lacks it (e.g. no valMacroF1). */
export function metricValue(name: MetricName, epoch: EpochMetrics): number | undefined {
  switch (name) {
    case 'val_accuracy':
      return epoch.valAccuracy;
    case 'val_macro_f1':
      return epoch.valMacroF1;
    case 'val_loss':
      return epoch.valLoss;
    case 'train_accuracy':
      return epoch.accuracy;
    case 'train_loss':
      return epoch.loss;
  }
}

/**
 * A curve (epochs so far, in order) summarised into the objective: the `last` epoch's value, the
 * `best` one for the goal, or the mean of the last 3 (fewer when fewer epochs ran). Undefined when
 * an epoch that counts lacks the metric.
 */
export function summarizeCurve(metric: MetricSpec, curve: readonly EpochMetrics[]): number | undefined {
  if (curve.length === 0) return undefined;
  const values = curve.map((e) => metricValue(metric.name, e));
  switch (metric.summary) {
    case 'last':
      return finite(values.at(-1));
    case 'best': {
      const present = values.filter((v): v is number => finite(v) !== undefined);
      if (present.length === 0) return undefined;
      return metric.goal === 'max' ? Math.max(...present) : Math.min(...present);
    }
    case 'meanLast3': {
      const tail = values.slice(-3);
      if (tail.some((v) => finite(v) === undefined)) return undefined;
      return (tail as number[]).reduce((a, b) => a + b, 0) / tail.length;
    }
  }
}

/**
 * A finished trial's objective. `last` of a validation metric reads the final evaluation (the
 * figure the leaderboard shows); other summaries read the per-epoch curve.
 */
export function resultObjective(metric: MetricSpec, result: Pick<TrialResult, 'metrics' | 'curves'>): number | undefined {
  if (metric.summary === 'last') {
    if (metric.name === 'val_accuracy') return finite(result.metrics.valAccuracy);
    if (metric.name === 'val_macro_f1') return finite(result.metrics.macroF1);
    if (metric.name === 'val_loss') return finite(result.metrics.valLoss);
  }
  return summarizeCurve(metric, result.curves);
}

/** True when `a` is strictly better than `b` for the goal. */
export function isBetter(goal: 'max' | 'min', a: number, b: number): boolean {
  return goal === 'max' ? a > b : a < b;
}

function finite(v: number | undefined): number | undefined {
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}
