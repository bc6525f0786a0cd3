import type { LearningRateSchedule, TrainOptions } from './train-options.js';

/** Reduce-on-plateau's memory between epochs (carried by checkpoints). */
export interface PlateauState {
  /** Multiplier on the base learning rate, 1 until the first reduction. */
  scale: number;
  bestValLoss: number;
  /** Epochs since val loss last improved. */
  wait: number;
}

export const initialPlateau = (): PlateauState => ({ scale: 1, bestValLoss: Number.POSITIVE_INFINITY, wait: 0 });

/** Where training is: `progress` counts epochs done, fractional within an epoch (0 at the first step). */
export interface TrainingClock {
  /** Completed epochs + step / stepsPerEpoch. */
  progress: number;
  /** 1 / stepsPerEpoch: one step's share of an epoch. */
  stepShare: number;
  epochs: number;
}

type ScheduleOptions = Pick<
  TrainOptions,
  'learningRate' | 'schedule' | 'warmupEpochs' | 'minLearningRate' | 'stepEvery' | 'stepGamma' | 'epochs'
>;

/** Fraction of the peak that one-cycle starts from, and ends at (PyTorch OneCycleLR's div_factor 25, final_div 1e4). */
const ONE_CYCLE_START = 1 / 25;
const ONE_CYCLE_END = 1 / 25 / 1e4;
/** Share of the run spent rising in one-cycle (PyTorch's pct_start). */
const ONE_CYCLE_RISE = 0.3;

const cosine = (from: number, to: number, t: number): number => to + ((from - to) * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, t))))) / 2;

/**
 * The learning rate of the step at `clock`: a linear warm-up over `warmupEpochs` (from 0 to the
 * scheduled value), then the schedule. `learningRate` is the peak for every schedule. Plateau
 * scales by its state, which changes only between epochs (see updatePlateau).
 */
export function learningRateAt(options: ScheduleOptions, clock: TrainingClock, plateau: PlateauState = initialPlateau()): number {
  const base = options.learningRate;
  const schedule: LearningRateSchedule = options.schedule ?? 'constant';
  const floor = options.minLearningRate ?? 0;
  const warmup = options.warmupEpochs ?? 0;
  let rate: number;
  switch (schedule) {
    case 'constant':
      rate = base;
      break;
    case 'cosine': {
      const span = Math.max(1e-9, clock.epochs - warmup);
      rate = cosine(base, floor, (clock.progress - warmup) / span);
      break;
    }
    case 'one-cycle': {
      // Its own rise replaces a warm-up.
      const t = clock.progress / Math.max(1e-9, clock.epochs);
      rate = t < ONE_CYCLE_RISE ? cosine(base * ONE_CYCLE_START, base, t / ONE_CYCLE_RISE) : cosine(base, Math.max(floor, base * ONE_CYCLE_END), (t - ONE_CYCLE_RISE) / (1 - ONE_CYCLE_RISE));
      return rate;
    }
    case 'step':
      rate = base * (options.stepGamma ?? 0.1) ** Math.floor(clock.progress / (options.stepEvery ?? 30));
      break;
    case 'plateau':
      rate = Math.max(floor, base * plateau.scale);
      break;
  }
  if (warmup > 0 && clock.progress < warmup) rate *= Math.min(1, (clock.progress + clock.stepShare) / warmup);
  return rate;
}

/**
 * Keras' ReduceLROnPlateau on val loss (mode min, min_delta 1e-4 relative to the best, cooldown
 * 0): after `patience` epochs without improvement the rate is multiplied by `factor`.
 */
export function updatePlateau(state: PlateauState, valLoss: number, options: Pick<TrainOptions, 'plateauPatience' | 'plateauFactor'>): PlateauState {
  if (valLoss < state.bestValLoss - 1e-4) return { ...state, bestValLoss: valLoss, wait: 0 };
  const wait = state.wait + 1;
  if (wait >= (options.plateauPatience ?? 10)) return { scale: state.scale * (options.plateauFactor ?? 0.1), bestValLoss: state.bestValLoss, wait: 0 };
  return { ...state, wait };
}
