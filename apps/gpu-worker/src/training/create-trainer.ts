import { ConfinedTrainer } from './confined-trainer.js';
import type { TrainerSettings } from './protocol.js';
import { SyntheticTrainer } from './synthetic-trainer.js';
import type { Trainer } from './trainer.js';

/** Builds the trainer named in the settings; tfjs loads lazily (it is heavy). */
export async function createTrainer(settings: TrainerSettings): Promise<Trainer> {
  if (settings.name === 'synthetic') return new SyntheticTrainer(settings);
  const { TfjsTrainer } = await import('./tfjs-trainer.js');
  // The one trainer that reads datasets reads only those under the worker's dataset roots.
  return ConfinedTrainer.fromEnv(new TfjsTrainer());
}
