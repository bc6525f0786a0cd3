import { accuracyInterval } from '@fermx/contracts';
import type { EvaluationReport } from '../training/trainer.js';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** Human-readable report: headline metrics, per-class accuracy, confusion matrix (rows = truth). */
export function formatEvaluation(report: EvaluationReport, context: { model: string; dataset: string; split: string; count: number; tta?: string }): string {
  const [low, high] = accuracyInterval(report.accuracy, context.count);
  const { classes } = report;
  const nameWidth = Math.max(5, ...classes.map((c) => c.length));
  const cell = Math.max(6, ...report.confusionMatrix.flat().map((n) => String(n).length + 1), ...classes.map((c) => c.length + 1));
  const lines = [
    `model    ${context.model}`,
    `dataset  ${context.dataset} (${context.split}, ${context.count} images)`,
    `accuracy ${pct(report.accuracy)} (95 % interval ${pct(low)}–${pct(high)})   macro-F1 ${(100 * report.macroF1).toFixed(2)}${context.tta && context.tta !== 'none' ? `   test-time augmentation: ${context.tta}` : ''}`,
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
