export interface EvaluationReport {
  classes: string[];
  count: number;
  accuracy: number;
  macroF1: number;
  /** Recall per class: correct / true count (NaN-free: 0 when a class is absent). */
  perClassAccuracy: number[];
  /** confusionMatrix[true][predicted] */
  confusionMatrix: number[][];
  loss: number;
}

/** Accuracy, per-class accuracy, macro-F1 and the confusion matrix from labels and predictions. */
export function classificationReport(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  classes: string[],
  loss = Number.NaN,
): EvaluationReport {
  if (labels.length !== predictions.length) throw new Error(`${labels.length} labels but ${predictions.length} predictions`);
  const k = classes.length;
  const confusionMatrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const truth = labels[i]!;
    const predicted = predictions[i]!;
    if (truth >= k || predicted >= k) throw new Error(`label or prediction out of range at index ${i} (${truth}, ${predicted}) for ${k} classes`);
    confusionMatrix[truth]![predicted]! += 1;
    if (truth === predicted) correct += 1;
  }
  const perClassAccuracy: number[] = [];
  let f1Sum = 0;
  for (let c = 0; c < k; c++) {
    const row = confusionMatrix[c]!;
    const truePositives = row[c]!;
    const actual = row.reduce((a, b) => a + b, 0);
    const predicted = confusionMatrix.reduce((sum, r) => sum + r[c]!, 0);
    perClassAccuracy.push(actual === 0 ? 0 : truePositives / actual);
    const precision = predicted === 0 ? 0 : truePositives / predicted;
    const recall = actual === 0 ? 0 : truePositives / actual;
    f1Sum += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  }
  return {
    classes: [...classes],
    count: labels.length,
    accuracy: labels.length === 0 ? 0 : correct / labels.length,
    macroF1: k === 0 ? 0 : f1Sum / k,
    perClassAccuracy,
    confusionMatrix,
    loss,
  };
}
