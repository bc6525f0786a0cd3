/** Keras-style early stopping on validation loss, as plain state so it can be checkpointed. */
export interface EarlyStoppingConfig {
  patience: number;
  /** Smallest decrease in val loss that counts as an improvement (default 0). */
  minDelta?: number;
}

export interface EarlyStoppingState {
  bestValLoss: number | null;
  bestEpoch: number;
  epochsWithoutImprovement: number;
}

export const initialEarlyStopping = (): EarlyStoppingState => ({ bestValLoss: null, bestEpoch: 0, epochsWithoutImprovement: 0 });

export function updateEarlyStopping(
  state: EarlyStoppingState,
  config: EarlyStoppingConfig,
  epoch: number,
  valLoss: number,
): { state: EarlyStoppingState; stop: boolean } {
  const minDelta = config.minDelta ?? 0;
  const improved = state.bestValLoss === null || valLoss < state.bestValLoss - minDelta;
  const next: EarlyStoppingState = improved
    ? { bestValLoss: valLoss, bestEpoch: epoch, epochsWithoutImprovement: 0 }
    : { ...state, epochsWithoutImprovement: state.epochsWithoutImprovement + 1 };
  return { state: next, stop: next.epochsWithoutImprovement >= config.patience };
}
