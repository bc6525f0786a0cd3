import * as tf from '@tensorflow/tfjs';
import type { BuildOptions } from './build-options.js';
import { fusedBatchNormalization } from './fused-batch-normalization.js';

type SymbolicTensor = tf.SymbolicTensor;

/**
 * Builds the layers every architecture shares. Each kernel initializer gets its own seed drawn
 * from one base seed, so a model built twice from the same (config, seed) starts identical.
 */
export class LayerFactory {
  private nextSeed: number;
  private readonly zeros: boolean;

  constructor(
    readonly width: number,
    options: BuildOptions = {},
  ) {
    this.nextSeed = options.seed === undefined ? -1 : options.seed * 1000;
    this.zeros = options.zeros ?? false;
  }

  /** Channel count after the width multiplier (at least 1). */
  channels(base: number): number {
    return Math.max(1, Math.round(base * this.width));
  }

  /** The next seeded kernel initializer, for layers this factory does not make itself. */
  kernelInitializer(): ReturnType<typeof tf.initializers.glorotUniform> {
    return this.initializer();
  }

  private initializer(): ReturnType<typeof tf.initializers.glorotUniform> {
    if (this.zeros) return tf.initializers.zeros();
    if (this.nextSeed < 0) return tf.initializers.glorotUniform({});
    this.nextSeed += 1;
    return tf.initializers.glorotUniform({ seed: this.nextSeed });
  }

  conv(x: SymbolicTensor, filters: number, opts: { kernel?: number; strides?: number; padding?: 'same' | 'valid'; bias?: boolean } = {}): SymbolicTensor {
    return tf.layers
      .conv2d({
        filters,
        kernelSize: opts.kernel ?? 3,
        strides: opts.strides ?? 1,
        padding: opts.padding ?? 'same',
        useBias: opts.bias ?? false,
        kernelInitializer: this.initializer(),
      })
      .apply(x) as SymbolicTensor;
  }

  /** Depthwise 3×3 then pointwise 1×1, linear in between (the paper keeps dw→pw linear). */
  separable(x: SymbolicTensor, filters: number): SymbolicTensor {
    return tf.layers
      .separableConv2d({
        filters,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        depthwiseInitializer: this.initializer(),
        pointwiseInitializer: this.initializer(),
      })
      .apply(x) as SymbolicTensor;
  }

  /**
   * BN momentum 0.9, not Keras' 0.99: it only changes the moving statistics used at inference,
   * never the training trajectory, and with 0.99 val accuracy sits at chance for the first few
   * hundred steps — exactly where successive halving judges trials at early rungs.
   * The layer is tfjs-layers' own with a fused training path (fused-batch-normalization.ts).
   */
  bn(x: SymbolicTensor): SymbolicTensor {
    return fusedBatchNormalization({ epsilon: 1e-3, momentum: 0.9 }).apply(x) as SymbolicTensor;
  }

  relu(x: SymbolicTensor): SymbolicTensor {
    return tf.layers.reLU().apply(x) as SymbolicTensor;
  }

  /** conv → BN → ReLU */
  convBnRelu(x: SymbolicTensor, filters: number, opts: { strides?: number; padding?: 'same' | 'valid' } = {}): SymbolicTensor {
    return this.relu(this.bn(this.conv(x, filters, opts)));
  }

  maxPool(x: SymbolicTensor, size = 3, strides = 2): SymbolicTensor {
    return tf.layers.maxPooling2d({ poolSize: size, strides, padding: 'same' }).apply(x) as SymbolicTensor;
  }

  add(a: SymbolicTensor, b: SymbolicTensor): SymbolicTensor {
    return tf.layers.add().apply([a, b]) as SymbolicTensor;
  }

  /**
   * Residual down-sampling block (Xception entry/exit style): two separable convs, 3×3/2 max
   * pooling, plus a 1×1 stride-2 convolution + BN shortcut.
   */
  downBlock(x: SymbolicTensor, filters: [number, number], opts: { preActivation: boolean }): SymbolicTensor {
    const shortcut = this.bn(this.conv(x, filters[1], { kernel: 1, strides: 2 }));
    let y = opts.preActivation ? this.relu(x) : x;
    y = this.relu(this.bn(this.separable(y, filters[0])));
    y = this.bn(this.separable(y, filters[1]));
    y = this.maxPool(y);
    return this.add(y, shortcut);
  }

  /** Xception middle-flow block: 3 × (ReLU → separable → BN) with an identity shortcut. */
  middleBlock(x: SymbolicTensor, filters: number): SymbolicTensor {
    let y = x;
    for (let i = 0; i < 3; i++) y = this.bn(this.separable(this.relu(y), filters));
    return this.add(y, x);
  }

  globalAveragePool(x: SymbolicTensor): SymbolicTensor {
    return tf.layers.globalAveragePooling2d({}).apply(x) as SymbolicTensor;
  }

  dropout(x: SymbolicTensor, rate: number | undefined): SymbolicTensor {
    if (!rate) return x;
    // train() overwrites the seed before every step; this one only matters to other callers.
    return tf.layers.dropout({ rate, ...(this.nextSeed >= 0 ? { seed: this.nextSeed } : {}) }).apply(x) as SymbolicTensor;
  }

  softmaxDense(x: SymbolicTensor, classes: number): SymbolicTensor {
    return tf.layers
      .dense({ units: classes, activation: 'softmax', kernelInitializer: this.initializer() })
      .apply(x) as SymbolicTensor;
  }

  softmax(x: SymbolicTensor): SymbolicTensor {
    return tf.layers.softmax().apply(x) as SymbolicTensor;
  }
}
