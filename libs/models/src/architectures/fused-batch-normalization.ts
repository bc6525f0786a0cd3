import * as tf from '@tensorflow/tfjs';
import { trainingBatchNorm } from '@fermx/kernels';

/** tfjs flag: off routes training-mode batch norm through stock tfjs-layers (for A/B benchmarks). */
export const FUSED_BATCH_NORM_FLAG = 'FERMX_FUSED_BATCH_NORM';
tf.env().registerFlag(FUSED_BATCH_NORM_FLAG, () => true);

type BatchNormalizationArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;
type StockBatchNormalization = ReturnType<typeof tf.layers.batchNormalization>;

/** The stock layer's private state that the training path reads and updates. */
interface BatchNormalizationState {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma: tf.LayerVariable | null;
  beta: tf.LayerVariable | null;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

// tfjs-layers does not export the class; its constructor is reachable from an instance. Named, so
// that it takes no uid: the model's layer names stay those stock tfjs gives (batch_normalization_BatchNormalization1…).
const Stock = tf.layers.batchNormalization({ name: 'fermx_stock_batch_normalization' }).constructor as new (args: BatchNormalizationArgs) => StockBatchNormalization;

/**
 * tfjs-layers' BatchNormalization whose training step runs the fused batch norm
 * (@fermx/kernels' batch-norm-kernels.ts: moments + FusedBatchNorm forward, one kernel backward instead
 * of ~15). Inference, weights, config and class name are the stock layer's, so saved models load
 * with stock tfjs and build/restore the same weights in the same order.
 */
export class FusedBatchNormalization extends Stock {
  /** Serialised and named (batch_normalization_N) as the stock layer. */
  static className = 'BatchNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor | tf.Tensor[] {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const state = this as unknown as BatchNormalizationState;
    const channelsLast = input !== undefined && (state.axis === -1 || state.axis === input.rank - 1);
    const fusable = kwargs['training'] === true && channelsLast && input.rank >= 2 && input.dtype === 'float32' && tf.env().getBool(FUSED_BATCH_NORM_FLAG);
    if (!fusable) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const { y, mean, variance } = trainingBatchNorm(input, state.gamma?.read(), state.beta?.read(), state.epsilon);
      // tfjs-layers' doMovingAverage, same ops and rounding: v − (v − batch)·(1 − momentum).
      for (const [variable, value] of [[state.movingMean, mean], [state.movingVariance, variance]] as const) {
        tf.tidy(() => {
          const current = variable.read();
          variable.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - state.momentum)));
        });
      }
      return y;
    });
  }
}

/** Drop-in for tf.layers.batchNormalization with the fused training path. */
export function fusedBatchNormalization(args: BatchNormalizationArgs): FusedBatchNormalization {
  return new FusedBatchNormalization(args);
}
