import * as tf from '@tensorflow/tfjs';

/**
 * Fused training-mode batch norm (see docs/PERFORMANCE.md). Channels last, per-channel statistics
 * over every leading axis. Backends that register these kernels run a batch-norm layer's
 * training step in 3 kernels instead of ~15; any other backend runs the composed reference.
 */

/** Inputs { x }, no attrs; outputs [mean, variance] (population variance), each [C]. */
export const BATCH_NORM_MOMENTS = 'FermxBatchNormMoments';
/**
 * Inputs { x, mean, variance, scale?, dy }, attrs { varianceEpsilon }; outputs [dx, dScale, dOffset]:
 * the full gradient of y = γ·(x−μ(x))·r(x) + β, the batch statistics being functions of x.
 */
export const BATCH_NORM_TRAINING_GRAD = 'FermxBatchNormTrainingGrad';

function leadingAxes(x: tf.Tensor): number[] {
  if (x.rank < 2) throw new Error(`training batch norm needs x of rank >= 2 (channels last), got shape [${x.shape.join(', ')}]`);
  return Array.from({ length: x.rank - 1 }, (_, i) => i);
}

/** Reference moments in plain tf ops (any backend): [mean, variance], each [C]. */
export function composedMoments(x: tf.Tensor): [tf.Tensor1D, tf.Tensor1D] {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, leadingAxes(x));
    return [mean as tf.Tensor1D, variance as tf.Tensor1D];
  });
}

/**
 * Reference gradient in plain tf ops (any backend): [dx, dScale, dOffset] with r = 1/√(σ²+ε),
 * x̂ = (x−μ)·r, M = count per channel: dOffset = Σdy, dScale = Σdy·x̂,
 * dx = γ·r·(dy − dOffset/M − x̂·dScale/M).
 */
export function composedTrainingGrad(
  x: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  scale: tf.Tensor | undefined,
  dy: tf.Tensor,
  epsilon: number,
): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  return tf.tidy(() => {
    const axes = leadingAxes(x);
    const count = x.size / (x.shape[x.rank - 1] as number);
    const r = tf.rsqrt(tf.add(variance, epsilon));
    const normalised = tf.mul(tf.sub(x, mean), r);
    const dOffset = tf.sum(dy, axes) as tf.Tensor1D;
    const dScale = tf.sum(tf.mul(dy, normalised), axes) as tf.Tensor1D;
    const centred = tf.sub(tf.sub(dy, tf.div(dOffset, count)), tf.mul(normalised, tf.div(dScale, count)));
    const factor = scale ? tf.mul(scale, r) : r;
    return [tf.mul(centred, factor), dScale, dOffset];
  });
}

const hasKernel = (name: string): boolean => tf.getKernel(name, tf.getBackend()) !== undefined;

/** [mean, variance] of x over its leading axes: the active backend's kernel, else the reference. */
export function batchNormMoments(x: tf.Tensor): [tf.Tensor1D, tf.Tensor1D] {
  if (!hasKernel(BATCH_NORM_MOMENTS)) return composedMoments(x);
  return tf.engine().runKernel(BATCH_NORM_MOMENTS, { x }, {}) as unknown as [tf.Tensor1D, tf.Tensor1D];
}

/** [dx, dScale, dOffset]: the active backend's kernel, else the reference. */
export function batchNormTrainingGrad(
  x: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  scale: tf.Tensor | undefined,
  dy: tf.Tensor,
  epsilon: number,
): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  if (!hasKernel(BATCH_NORM_TRAINING_GRAD)) return composedTrainingGrad(x, mean, variance, scale, dy, epsilon);
  const inputs = { x, mean, variance, ...(scale ? { scale } : {}), dy };
  return tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD, inputs, { varianceEpsilon: epsilon }) as unknown as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
}

export interface TrainingBatchNorm {
  /** γ·(x−mean)/√(variance+ε) + β, differentiable w.r.t. x, γ and β (through the batch statistics too). */
  y: tf.Tensor;
  /** Batch statistics (population variance), [C]; not differentiable (no gradient flows through them). */
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/**
 * Training-mode batch norm with batch statistics: forward = moments + one FusedBatchNorm, backward
 * = one kernel for dx, dγ and dβ (the composed chain is ~15 kernels per layer).
 */
export function trainingBatchNorm(x: tf.Tensor, gamma: tf.Tensor | undefined, beta: tf.Tensor | undefined, epsilon: number): TrainingBatchNorm {
  const [mean, variance] = batchNormMoments(x);
  const inputs = [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])];
  const normalise = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [input, ...params] = args.slice(0, -1) as tf.Tensor[];
    const g = gamma ? params[0] : undefined;
    const b = beta ? params[gamma ? 1 : 0] : undefined;
    save([input as tf.Tensor, mean, variance, ...(g ? [g] : [])]);
    const value = tf.batchNorm(input as tf.Tensor, mean, variance, b, g, epsilon);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sMean, sVariance, sGamma] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        const [dx, dScale, dOffset] = batchNormTrainingGrad(sx, sMean, sVariance, sGamma, dy, epsilon);
        return [dx, ...(gamma ? [dScale] : []), ...(beta ? [dOffset] : [])];
      },
    };
  });
  return { y: normalise(...inputs), mean, variance };
}
