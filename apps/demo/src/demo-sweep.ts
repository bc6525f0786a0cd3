import { stringify } from 'yaml';

/** Mirror images only: cheap, and it does not slow the first epochs down as the paper's full set does. */
const FLIP_ONLY = { rotation: 0, widthShift: 0, heightShift: 0, zoom: 0, horizontalFlip: true };

/**
 * The demo's sweep: two small models, one per worker, trained long enough to learn (macro-F1
 * well above the 0.25 of chance) in a few minutes on two cores: a one-cycle learning rate
 * (warm up, then anneal to the end, so the last epoch's model is a good one), batch 32 and
 * mirror-image augmentation. Measured in docs/PREDICT.md ("The demo").
 */
export function demoSweepYaml(options: { dataset: string; synthetic: boolean; epochs: number }): string {
  return stringify({
    name: options.synthetic ? 'demo-synthetic' : 'demo',
    description: options.synthetic
      ? 'fermx demo on SYNTHETIC faces generated in code (no FER2013 found): checks the pipeline, not accuracy.'
      : 'fermx demo: a small CNN and mini_Xception on a small masked FERM built from FER2013.',
    dataset: options.dataset,
    models: [
      { name: 'CNN-half', architecture: 'cnn', width: 0.5, dropout: 0.25 },
      { name: 'mini_Xception', architecture: 'mini-xception' },
    ],
    parameters: {
      learningRate: 0.003,
      schedule: 'one-cycle',
      batchSize: 32,
      epochs: options.epochs,
      augmentation: FLIP_ONLY,
      seed: 1,
    },
    strategy: 'grid',
    metric: 'val_accuracy',
    retry: { attempts: 2, backoffSeconds: 2 },
  });
}
