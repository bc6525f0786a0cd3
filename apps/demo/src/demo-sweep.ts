import { stringify } from 'yaml';

/** The demo's sweep: two tiny CNN trials per worker, a couple of epochs, on the demo dataset. */
export function demoSweepYaml(options: { dataset: string; synthetic: boolean; epochs: number }): string {
  return stringify({
    name: options.synthetic ? 'demo-synthetic' : 'demo',
    description: options.synthetic
      ? 'fermx demo on SYNTHETIC faces generated in code (no FER2013 found): checks the pipeline, not accuracy.'
      : 'fermx demo: tiny CNNs on a small masked FERM built from FER2013.',
    dataset: options.dataset,
    model: { architecture: 'cnn', width: 0.5 },
    parameters: {
      learningRate: { grid: [0.001, 0.003] },
      dropout: { grid: [0, 0.25] },
      batchSize: 32,
      epochs: options.epochs,
      augmentation: 'none',
      seed: 1,
    },
    strategy: 'grid',
    metric: 'val_accuracy',
    retry: { attempts: 2, backoffSeconds: 2 },
  });
}
