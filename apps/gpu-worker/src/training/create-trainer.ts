import { ConfinedTrainer } from './confined-trainer.js';
import type { Trainer } from './trainer.js';

/** The worker's trainer: tfjs (loaded lazily, it is heavy), reading only datasets under the worker's dataset roots. */
export async function createTfjsTrainer(): Promise<Trainer> {
  const { TfjsTrainer } = await import('./tfjs-trainer.js');
  return ConfinedTrainer.fromEnv(new TfjsTrainer());
}
