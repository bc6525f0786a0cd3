import { accuracyInterval } from '@fermx/contracts';
import type { ModelComparison } from './compare-models.js';
import { scoringNote } from './format-evaluation.js';

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const points = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(2)}`;

/** The verdict at the 5 % level, in words. */
export function comparisonVerdict(c: ModelComparison['paired']): string {
  if (c.mcnemarP >= 0.05) return 'this split does not tell the two models apart at the 5 % level';
  return `${c.difference > 0 ? 'A' : 'B'} is better on this split at the 5 % level`;
}

/** Human-readable paired comparison: each model's accuracy, the 2×2 table, the difference and the test. */
export function formatComparison(comparison: ModelComparison, context: { dataset: string; split: string }): string {
  const { paired } = comparison;
  const width = Math.max(...comparison.models.map((m) => m.modelUri.length));
  const rows = comparison.models.map((m, i) => {
    const [low, high] = accuracyInterval(m.report.accuracy, comparison.count);
    return `${i === 0 ? 'A' : 'B'}  ${m.modelUri.padEnd(width)}  ${pct(m.report.accuracy).padStart(8)} [${pct(low)}, ${pct(high)}]   macro-F1 ${(100 * m.report.macroF1).toFixed(2)}${scoringNote(m)}`;
  });
  const cell = Math.max(10, ...[paired.bothRight, paired.onlyA, paired.onlyB, paired.bothWrong].map((n) => String(n).length + 1));
  const [low, high] = paired.differenceInterval95;
  return [
    `dataset  ${context.dataset} (${context.split}, ${comparison.count} images)`,
    ...rows,
    '',
    `         ${'B right'.padStart(cell)}${'B wrong'.padStart(cell)}`,
    `A right  ${String(paired.bothRight).padStart(cell)}${String(paired.onlyA).padStart(cell)}`,
    `A wrong  ${String(paired.onlyB).padStart(cell)}${String(paired.bothWrong).padStart(cell)}`,
    '',
    `A − B    ${points(paired.difference)} points, 95 % interval [${points(low)}, ${points(high)}] (Newcombe, paired)`,
    `McNemar  exact p = ${paired.mcnemarP < 1e-4 ? paired.mcnemarP.toExponential(2) : paired.mcnemarP.toPrecision(3)} on ${paired.onlyA + paired.onlyB} images where they disagree on correctness: ${comparisonVerdict(paired)}`,
    '',
  ].join('\n');
}
