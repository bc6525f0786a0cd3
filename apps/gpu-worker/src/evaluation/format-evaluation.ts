import { accuracyInterval } from '@fermx/contracts';
import type { EvaluationReport } from '../training/trainer.js';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** What a score was read under, where it is not the default: `   test-time augmentation: flip   class prior: uncapped`. */
export function scoringNote(scoring: { tta?: string; classPrior?: string }): string {
  const tta = scoring.tta && scoring.tta !== 'none' ? `   test-time augmentation: ${scoring.tta}` : '';
  const prior = scoring.classPrior && scoring.classPrior !== 'trained' ? `   class prior: ${scoring.classPrior}` : '';
  return tta + prior;
}

/** Human-readable report: headline metrics, per-class accuracy, confusion matrix (rows = truth). */
export function formatEvaluation(
  report: EvaluationReport,
  context: { model: string; dataset: string; split: string; count: number; tta?: string; classPrior?: string },
): string {
  const [low, high] = accuracyInterval(report.accuracy, context.count);
  const { classes } = report;
  const nameWidth = Math.max(5, ...classes.map((c) => c.length));
  const cell = Math.max(6, ...report.confusionMatrix.flat().map((n) => String(n).length + 1), ...classes.map((c) => c.length + 1));
  const lines = [
    `model    ${context.model}`,
    `dataset  ${context.dataset} (${context.split}, ${context.count} images)`,
    `accuracy ${pct(report.accuracy)} (95 % interval ${pct(low)}–${pct(high)})   macro-F1 ${(100 * report.macroF1).toFixed(2)}${scoringNote(context)}`,
    '',
    'per-class accuracy',
    ...classes.map((c, i) => `  ${c.padEnd(nameWidth)}  ${pct(report.perClassAccuracy[i] ?? 0).padStart(7)}`),
    '',
    'confusion matrix (rows: true class, columns: predicted)',
    `  ${''.padEnd(nameWidth)}${classes.map((c) => c.padStart(cell)).join('')}`,
    ...report.confusionMatrix.map((row, i) => `  ${(classes[i] ?? '').padEnd(nameWidth)}${row.map((n) => String(n).padStart(cell)).join('')}`),
    '',
  ];
  return lines.join('\n');
}
