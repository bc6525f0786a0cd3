import { mulberry32, runKeys, type Architecture, type EpochMetrics, type TrialResult, type TrialSpec } from '@fermx/contracts';

/** FERM's four classes (paper): neutral, sad, surprise, angry. */
export const FERM_CLASSES = ['neutral', 'sad', 'surprise', 'angry'];

// Typical parameter counts and relative speed per architecture, so that the fixtures exercise
// the page with realistic magnitudes.
interface Profile {
  parameters: number;
  secondsPerEpoch: number;
  ceiling: number;
}
const OTHER: Profile = { parameters: 100_000, secondsPerEpoch: 2, ceiling: 0.85 };
const PROFILE: Partial<Record<Architecture, Profile>> = {
  cnn: { parameters: 431_000, secondsPerEpoch: 1.3, ceiling: 0.83 },
  'mini-xception': { parameters: 56_900, secondsPerEpoch: 2.05, ceiling: 0.85 },
  xception: { parameters: 920_000, secondsPerEpoch: 4.6, ceiling: 0.85 },
  mxception: { parameters: 80_300, secondsPerEpoch: 2.5, ceiling: 0.89 },
};

export interface FixtureResultOptions {
  seed?: number;
  finishedAt?: Date;
  /** Images in the validation split, for the confusion matrix. */
  valImages?: number;
  classes?: string[];
}

/**
 * Test material only (the browser test seeds storage with it as a worker would): plausible,
 * deterministic TrialResult documents for the given trials — saturating curves with noise, a
 * confusion matrix whose rows add up to the per-class accuracy. Nothing here is trained or
 * measured, so no production code may import it (eslint: test material stays in tests).
 */
export function fixtureTrialResults(trials: TrialSpec[], options: FixtureResultOptions = {}): TrialResult[] {
  const random = mulberry32(options.seed ?? 1);
  const classes = options.classes ?? FERM_CLASSES;
  const valImages = options.valImages ?? 384;
  const finishedAt = options.finishedAt ?? new Date('2026-11-20T10:00:00Z');
  return trials.map((trial, i) => {
    const { model, training } = trial;
    const epochs = training.epochs;
    const profile = PROFILE[model.architecture] ?? OTHER;
    // Learning rates near 1e-3 do best; far from it the ceiling drops.
    const lrPenalty = Math.abs(Math.log10(training.learningRate) + 3) * 0.06;
    const ceiling = profile.ceiling - lrPenalty - (model.dropout ?? 0.2) * 0.02 - random() * 0.03;
    // Weak trials are the ones successive halving stops at an early rung.
    const stoppedEarly = ceiling < 0.74;
    const epochsRun = stoppedEarly ? Math.max(2, Math.floor(epochs / 3)) : epochs;
    const secondsPerEpoch = profile.secondsPerEpoch * (64 / training.batchSize) ** 0.3 * (0.9 + random() * 0.2);
    const imagesPerSecond = Math.round(3456 / secondsPerEpoch);
    const curves: EpochMetrics[] = [];
    for (let e = 1; e <= epochsRun; e++) {
      const progress = 1 - Math.exp(-e / Math.max(1, epochs / 4));
      curves.push({
        epoch: e,
        loss: round(1.35 - 1.0 * progress + (random() - 0.5) * 0.04),
        accuracy: round(0.3 + (ceiling + 0.06 - 0.3) * progress + (random() - 0.5) * 0.015),
        valLoss: round(1.38 - 0.9 * progress + (random() - 0.5) * 0.06),
        valAccuracy: round(0.28 + (ceiling - 0.28) * progress + (random() - 0.5) * 0.03),
        seconds: round(secondsPerEpoch * (0.95 + random() * 0.1)),
        imagesPerSecond: Math.round(imagesPerSecond * (0.95 + random() * 0.1)),
      });
    }
    const last = curves[curves.length - 1]!;
    const { perClassAccuracy, confusionMatrix } = confusion(last.valAccuracy, valImages, classes.length, random);
    const correct = confusionMatrix.reduce((sum, row, r) => sum + row[r]!, 0);
    const valAccuracy = round(correct / valImages);
    const host = `fixture-host-${(i % 2) + 1}`;
    return {
      trialId: trial.trialId,
      sweepId: trial.sweepId,
      sweepName: trial.sweepName,
      ...(trial.variant ? { variant: trial.variant } : {}),
      dataset: trial.dataset,
      model,
      training,
      status: stoppedEarly ? 'stopped-early' : 'completed',
      metrics: {
        valAccuracy,
        valLoss: last.valLoss,
        testAccuracy: round(valAccuracy - 0.01 + random() * 0.02),
        macroF1: round(valAccuracy - 0.02 - random() * 0.02),
        perClassAccuracy,
        confusionMatrix,
        classes,
      },
      curves,
      epochsRun,
      timing: { trainingSeconds: round(secondsPerEpoch * epochsRun), secondsPerEpoch: round(secondsPerEpoch), imagesPerSecond },
      parameters: profile.parameters + ((model.middleFlowRepeats ?? 3) - 3) * 1_000,
      backend: i % 3 === 2 ? 'wasm' : 'tensorflow',
      host,
      worker: `${host}/worker${i % 2}`,
      finishedAt: new Date(finishedAt.getTime() + i * 60_000).toISOString(),
      modelUri: runKeys.model(trial.sweepId, trial.trialId),
    } satisfies TrialResult;
  });
}

/** Confusion matrix with class sizes of the paper's FERM split (1120/980/1050/690). */
function confusion(accuracy: number, total: number, classCount: number, random: () => number): { perClassAccuracy: number[]; confusionMatrix: number[][] } {
  const sizes = classCount === 4 ? [1120, 980, 1050, 690] : Array.from({ length: classCount }, () => 1);
  const shares = sizes.map((c) => c / sizes.reduce((a, b) => a + b, 0));
  // Surprise is the easiest class in the paper, sad the hardest.
  const bias = classCount === 4 ? [0, -0.08, 0.07, -0.02] : sizes.map(() => 0);
  const confusionMatrix = shares.map((share, r) => {
    const n = Math.round(share * total);
    const hit = Math.min(n, Math.max(0, Math.round(n * Math.min(0.98, accuracy + bias[r]!))));
    const row = shares.map(() => 0);
    row[r] = hit;
    let rest = n - hit;
    for (let c = 0; c < row.length && rest > 0; c++) {
      if (c === r) continue;
      const take = c === row.length - 1 || (c === row.length - 2 && r === row.length - 1) ? rest : Math.round(rest * (0.3 + random() * 0.4));
      row[c] = take;
      rest -= take;
    }
    return row;
  });
  const perClassAccuracy = confusionMatrix.map((row, r) =>
    round(
      row[r]! /
        Math.max(
          1,
          row.reduce((a, b) => a + b, 0),
        ),
    ),
  );
  return { perClassAccuracy, confusionMatrix };
}

function round(x: number): number {
  return Number(x.toFixed(4));
}
