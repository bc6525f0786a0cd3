import * as tf from '@tensorflow/tfjs';

/**
 * Weights that move a classifier's probabilities from the class mix it was trained on to another
 * (label-shift correction, Saerens, Latinne & Decaestecker 2002): p'(y|x) ∝ p(y|x) · π'(y) / π(y),
 * with π and π' the two mixes as shares. Counts are per class name; every class needs a positive
 * count in both.
 */
export function priorShiftWeights(classes: readonly string[], from: Record<string, number>, to: Record<string, number>): Float32Array {
  const shares = (counts: Record<string, number>, which: string) => {
    const values = classes.map((name) => counts[name] ?? 0);
    const bad = classes.find((_, i) => !(values[i]! > 0));
    if (bad !== undefined) throw new RangeError(`the ${which} class mix has no images of '${bad}': its prior cannot be shifted`);
    const total = values.reduce((a, b) => a + b, 0);
    return values.map((v) => v / total);
  };
  const source = shares(from, 'training');
  const target = shares(to, 'target');
  return Float32Array.from(classes, (_, i) => target[i]! / source[i]!);
}

/** Probabilities [n,k] reweighted per class and renormalised to sum to 1 per row. */
export function shiftPrior(probabilities: tf.Tensor2D, weights: Float32Array): tf.Tensor2D {
  return tf.tidy(() => {
    const weighted = tf.mul(probabilities, tf.tensor1d(weights));
    return tf.div(weighted, tf.sum(weighted, -1, true)) as tf.Tensor2D;
  });
}
