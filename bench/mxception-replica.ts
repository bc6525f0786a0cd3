import * as tf from '@tensorflow/tfjs';

/**
 * Stand-in for @fermx/models' M-Xception while that library does not export `buildModel`:
 * the same layout (two 3×3 conv+BN+ReLU of 16; separable residual blocks of 32 and 64 with a
 * 1×1 stride-2 shortcut and 3×3/2 max pooling; middle flow of 3 × 3 separable convs of 64;
 * exit block 64/128; global average pooling; softmax).
 */
export function buildMXceptionReplica(numClasses: number): tf.LayersModel {
  const bn = (x: tf.SymbolicTensor) => tf.layers.batchNormalization({ epsilon: 1e-3 }).apply(x) as tf.SymbolicTensor;
  const relu = (x: tf.SymbolicTensor) => tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  const conv = (x: tf.SymbolicTensor, filters: number, kernelSize = 3, strides = 1) =>
    tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
  const separable = (x: tf.SymbolicTensor, filters: number) =>
    tf.layers.separableConv2d({ filters, kernelSize: 3, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
  const add = (a: tf.SymbolicTensor, b: tf.SymbolicTensor) => tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
  const down = (x: tf.SymbolicTensor, filters: [number, number], preActivation: boolean) => {
    const shortcut = bn(conv(x, filters[1], 1, 2));
    let y = preActivation ? relu(x) : x;
    y = relu(bn(separable(y, filters[0])));
    y = bn(separable(y, filters[1]));
    y = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(y) as tf.SymbolicTensor;
    return add(y, shortcut);
  };

  const input = tf.input({ shape: [48, 48, 1] });
  let x = relu(bn(conv(input, 16)));
  x = relu(bn(conv(x, 16)));
  x = down(x, [32, 32], false);
  x = down(x, [64, 64], true);
  for (let i = 0; i < 3; i++) {
    let y = x;
    for (let j = 0; j < 3; j++) y = bn(separable(relu(y), 64));
    x = add(y, x);
  }
  x = relu(down(x, [64, 128], true));
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: numClasses, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'mxception_replica' });
}
