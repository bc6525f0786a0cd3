import * as tf from '@tensorflow/tfjs';

interface ResizeToRgbArgs {
  size: number;
  name?: string;
}

/**
 * Resizes grey images to size×size (bilinear, corners not aligned, as torchvision's Resize)
 * and repeats the channel three times, so a network made for RGB ImageNet inputs takes fermx's
 * 48×48×1 faces. Registered, so saved models that contain it load again.
 */
export class ResizeToRgb extends tf.layers.Layer {
  static className = 'FermxResizeToRgb';
  readonly size: number;

  constructor(args: ResizeToRgbArgs) {
    super(args.name ? { name: args.name } : {});
    this.size = args.size;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0] ?? null, this.size, this.size, 3];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.tidy(() => tf.tile(tf.image.resizeBilinear(x, [this.size, this.size]), [1, 1, 1, 3]));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size };
  }
}
tf.serialization.registerClass(ResizeToRgb);
