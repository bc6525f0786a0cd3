import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from './build-model.js';
import { countFlops, describeModels } from './model-summary.js';
import { M_XCEPTION_WIDTHS } from './mxception.js';

/** Parameter targets from the paper (Table 1) and Arriaga et al. for mini_Xception. */
const TARGETS = [
  { architecture: 'mxception', numClasses: 4, target: 80_000 },
  { architecture: 'mxception', numClasses: 7, target: 80_000 },
  { architecture: 'xception', numClasses: 7, target: 920_000 },
  { architecture: 'mini-xception', numClasses: 7, target: 58_000 },
] as const;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('model zoo', () => {
  it.each(TARGETS)('$architecture with $numClasses classes is within 15% of $target parameters', ({ architecture, numClasses, target }) => {
    const summary = describeModels(numClasses).find((m) => m.architecture === architecture)!;
    expect(Math.abs(summary.parameters - target) / target).toBeLessThan(0.15);
  });

  it('M-Xception parameters match the layout counted by hand', () => {
    // conv 3x3 (no bias) + BN (4 per channel); separable = 9·Cin + Cin·Cout; shortcut 1x1.
    const bn = (c: number) => 4 * c;
    const sep = (cin: number, cout: number) => 9 * cin + cin * cout + bn(cout);
    const down = (cin: number, a: number, b: number) => cin * b + bn(b) + sep(cin, a) + sep(a, b);
    const { stem, blocks, middle, exit } = M_XCEPTION_WIDTHS;
    const repeats = 3;
    const classes = 4;
    const expected =
      9 * stem + bn(stem) + 9 * stem * stem + bn(stem) +
      down(stem, blocks[0], blocks[0]) + down(blocks[0], blocks[1], blocks[1]) +
      repeats * 3 * sep(middle, middle) +
      down(middle, exit[0], exit[1]) +
      exit[1] * classes + classes;
    expect(buildModel({ architecture: 'mxception', numClasses: classes }).countParams()).toBe(expected);
  });

  it('middleFlowRepeats, width and dropout change the model as configured', () => {
    const base = buildModel({ architecture: 'mxception', numClasses: 4 });
    const deeper = buildModel({ architecture: 'mxception', numClasses: 4, middleFlowRepeats: 4 });
    const sepMiddle = 9 * 64 + 64 * 64 + 4 * 64;
    expect(deeper.countParams() - base.countParams()).toBe(3 * sepMiddle);
    const narrow = buildModel({ architecture: 'mxception', numClasses: 4, width: 0.5 });
    expect(narrow.countParams()).toBeLessThan(base.countParams() / 2.5);
    const withDropout = buildModel({ architecture: 'mxception', numClasses: 4, dropout: 0.5 });
    expect(withDropout.layers.some((l) => l.getClassName() === 'Dropout')).toBe(true);
    expect(base.layers.some((l) => l.getClassName() === 'Dropout')).toBe(false);
    for (const m of [base, deeper, narrow, withDropout]) m.dispose();
  });

  it('every architecture maps 48x48x1 to class probabilities', () => {
    for (const architecture of ['mxception', 'mini-xception', 'xception', 'cnn', 'rmn'] as const) {
      const model = buildModel({ architecture, numClasses: 4, width: 0.25 }, { seed: 1 });
      const out = model.predict(tf.zeros([2, 48, 48, 1])) as tf.Tensor;
      expect(out.shape).toEqual([2, 4]);
      const sums = tf.sum(out, -1).arraySync() as number[];
      sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
      model.dispose();
    }
  });

  it('the reduced RMN gates each of its four stages with a one-level sigmoid mask, as x·(1 + M)', () => {
    const model = buildModel({ architecture: 'rmn', numClasses: 4, width: 0.25 }, { seed: 1 });
    const count = (name: string, activation?: string) =>
      model.layers.filter((l) => l.getClassName() === name && (activation === undefined || l.getConfig().activation === activation)).length;
    expect(count('Multiply')).toBe(4);
    expect(count('Activation', 'sigmoid')).toBe(4);
    expect(count('UpSampling2D')).toBe(4);
    // x + x·M: every Multiply feeds an Add whose other input is the Multiply's own feature map.
    for (const multiply of model.layers.filter((l) => l.getClassName() === 'Multiply')) {
      const [features] = multiply.inboundNodes[0]!.inboundLayers;
      const add = model.layers.find((l) => l.getClassName() === 'Add' && l.inboundNodes[0]!.inboundLayers.includes(multiply))!;
      expect(add.inboundNodes[0]!.inboundLayers).toContain(features);
    }
    model.dispose();
  });

  it('the same seed builds identical weights; another seed does not', () => {
    const weights = (seed: number) => buildModel({ architecture: 'cnn', numClasses: 4, width: 0.25 }, { seed }).getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(5)).toEqual(weights(5));
    expect(weights(5)).not.toEqual(weights(6));
  });

  it('counts FLOPs as multiply-accumulates from layer shapes', () => {
    const input = tf.input({ shape: [48, 48, 1] });
    const conv = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' }).apply(input) as tf.SymbolicTensor;
    const sep = tf.layers.separableConv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same' }).apply(conv) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({}).apply(sep) as tf.SymbolicTensor;
    const dense = tf.layers.dense({ units: 4 }).apply(pooled) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: dense });
    expect(countFlops(model)).toBe(48 * 48 * 9 * 8 + 24 * 24 * (9 * 8 + 8 * 16) + 16 * 4);
  });

  it('rejects a bad config naming the field', () => {
    expect(() => buildModel({ architecture: 'resnet' as never, numClasses: 4 })).toThrow(/architecture/);
    expect(() => buildModel({ architecture: 'cnn', numClasses: 1 })).toThrow(/numClasses/);
    expect(() => buildModel({ architecture: 'cnn', numClasses: 4, dropout: 1 })).toThrow(/dropout/);
    expect(() => buildModel({ architecture: 'cnn', numClasses: 4, width: 0 })).toThrow(/width/);
  });
});
