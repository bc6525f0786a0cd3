import * as tf from '@tensorflow/tfjs';

export interface WeightTransfer {
  /** Weight tensors copied from the pretrained model. */
  copied: number;
  /** Weights left as initialised (the classifier, when the class count differs), by name. */
  fresh: string[];
}

const shapeText = (shape: readonly (number | null)[]) => `[${shape.join(', ')}]`;
const sameShape = (a: readonly (number | null)[], b: readonly (number | null)[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const fits = (from: tf.LayerVariable[], to: tf.LayerVariable[]) => from.length === to.length && from.every((w, i) => sameShape(w.shape, to[i]!.shape));

/**
 * Copies a pretrained model's weights (batch-norm statistics included) into `target`, layer by
 * layer. Both must be the same architecture; only the last layer with weights may differ in
 * shape (the classifier of a model trained on other classes), and it keeps the target's
 * initial values. Anything else is an error naming the first weight that differs.
 */
export function transferWeights(source: tf.LayersModel, target: tf.LayersModel): WeightTransfer {
  const from = source.layers.filter((l) => l.weights.length > 0);
  const to = target.layers.filter((l) => l.weights.length > 0);
  const tensors = (layers: tf.layers.Layer[]) => layers.reduce((n, l) => n + l.weights.length, 0);
  if (from.length !== to.length || tensors(from) !== tensors(to)) {
    throw new Error(
      `initFrom: the pretrained model has ${tensors(from)} weight tensors in ${from.length} layers and this model ${tensors(to)} in ${to.length}: not the same architecture`,
    );
  }
  // The last layer with weights is the classifier: it may have another class count.
  const head = fits(from.at(-1)!.weights, to.at(-1)!.weights) ? to.length : to.length - 1;
  const differing = to.findIndex((layer, i) => i < head && !fits(from[i]!.weights, layer.weights));
  if (differing >= 0) {
    const k = to[differing]!.weights.findIndex((w, j) => !sameShape(w.shape, from[differing]!.weights[j]!.shape));
    const [mine, theirs] = [to[differing]!.weights[k]!, from[differing]!.weights[k]!];
    throw new Error(
      `initFrom: weight ${mine.name} is ${shapeText(mine.shape)} here and ${shapeText(theirs.shape)} in the pretrained model: only the classifier at the end may differ`,
    );
  }
  let copied = 0;
  for (let i = 0; i < head; i++) {
    to[i]!.weights.forEach((w, j) => {
      // A copy, not the source's buffer: fermx's optimizers update weights in place.
      const value = tf.tensor(from[i]!.weights[j]!.read().dataSync().slice(), w.shape as number[]);
      w.write(value);
      value.dispose();
    });
    copied += to[i]!.weights.length;
  }
  return { copied, fresh: to.slice(head).flatMap((l) => l.weights.map((w) => w.name)) };
}
