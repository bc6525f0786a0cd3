import * as tf from '@tensorflow/tfjs';

/** A layer whose output is the mean of the member models' outputs (class probabilities) on its input. */
class ProbabilityMean extends tf.layers.Layer {
  static readonly className = 'ProbabilityMean';

  constructor(
    private readonly members: readonly tf.LayersModel[],
    private readonly classes: number,
  ) {
    super({ trainable: false, name: 'probability_mean' });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0] ?? null, this.classes];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => tf.div(tf.addN(this.members.map((m) => m.predict(x) as tf.Tensor)), this.members.length));
  }
}

/**
 * An ensemble as one model for inference: its output is the mean of the members' probabilities,
 * so evaluate, scoreSet and test-time augmentation read it as they read one model (each view
 * goes through every member). The members must take the same input and predict the same number
 * of classes; they stay owned by the caller (dispose them, and the ensemble, after use). Not
 * trainable and not saved: distil it into one model instead (training option `teachers`).
 */
export function averagedModel(members: readonly tf.LayersModel[]): tf.LayersModel {
  if (members.length === 0) throw new Error('an ensemble needs at least one model');
  const inputShape = members[0]!.inputs[0]!.shape.slice(1) as number[];
  const classes = members[0]!.outputs[0]!.shape.at(-1) as number;
  members.forEach((m, i) => {
    const shape = m.inputs[0]!.shape.slice(1);
    if (shape.join('x') !== inputShape.join('x')) throw new Error(`ensemble member ${i + 1} takes input ${shape.join('x')}, member 1 takes ${inputShape.join('x')}`);
    const outputs = m.outputs[0]!.shape.at(-1);
    if (outputs !== classes) throw new Error(`ensemble member ${i + 1} predicts ${outputs} classes, member 1 predicts ${classes}`);
  });
  const input = tf.input({ shape: inputShape });
  const output = new ProbabilityMean(members, classes).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'ensemble' });
}
