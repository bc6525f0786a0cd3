import { accuracyInterval } from './accuracy-interval.js';

/**
 * Two classifiers scored on the same images: how often each is right where the other is wrong.
 * `onlyA` and `onlyB` (the discordant pairs) carry all the evidence about which is better.
 */
export interface PairedOutcomes {
  bothRight: number;
  onlyA: number;
  onlyB: number;
  bothWrong: number;
}

export interface PairedComparison extends PairedOutcomes {
  count: number;
  accuracyA: number;
  accuracyB: number;
  /** accuracyA − accuracyB. */
  difference: number;
  /** 95 % interval of the difference: Newcombe's square-and-add interval for paired proportions. */
  differenceInterval95: [number, number];
  /** Two-sided exact McNemar test: binomial on the discordant pairs, p = 0.5 under no difference. */
  mcnemarP: number;
}

/** Counts the four outcomes of two sets of predictions against the same labels. */
export function pairedOutcomes(labels: ArrayLike<number>, predictionsA: ArrayLike<number>, predictionsB: ArrayLike<number>): PairedOutcomes {
  if (predictionsA.length !== labels.length || predictionsB.length !== labels.length) {
    throw new Error(`paired outcomes need one prediction per label: ${labels.length} labels, ${predictionsA.length} and ${predictionsB.length} predictions`);
  }
  const outcomes: PairedOutcomes = { bothRight: 0, onlyA: 0, onlyB: 0, bothWrong: 0 };
  for (let i = 0; i < labels.length; i++) {
    const a = predictionsA[i] === labels[i];
    const b = predictionsB[i] === labels[i];
    if (a && b) outcomes.bothRight++;
    else if (a) outcomes.onlyA++;
    else if (b) outcomes.onlyB++;
    else outcomes.bothWrong++;
  }
  return outcomes;
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2), summed in log space so large n does not underflow. */
function binomialHalfCdf(k: number, n: number): number {
  let logPmf = -n * Math.LN2;
  let total = Math.exp(logPmf);
  for (let i = 0; i < k; i++) {
    logPmf += Math.log(n - i) - Math.log(i + 1);
    total += Math.exp(logPmf);
  }
  return Math.min(1, total);
}

/** Two-sided exact McNemar p-value from the discordant counts. */
export function mcnemarExactP(onlyA: number, onlyB: number): number {
  const n = onlyA + onlyB;
  if (n === 0) return 1;
  return Math.min(1, 2 * binomialHalfCdf(Math.min(onlyA, onlyB), n));
}

/**
 * Newcombe's (1998) square-and-add interval for the difference of two paired proportions, built
 * from each accuracy's Wilson interval and a continuity-corrected correlation between them.
 */
export function pairedDifferenceInterval(o: PairedOutcomes, z = 1.959964): [number, number] {
  const n = o.bothRight + o.onlyA + o.onlyB + o.bothWrong;
  if (n === 0) return [-1, 1];
  const rightA = o.bothRight + o.onlyA;
  const rightB = o.bothRight + o.onlyB;
  const pA = rightA / n;
  const pB = rightB / n;
  const [lA, uA] = accuracyInterval(pA, n, z);
  const [lB, uB] = accuracyInterval(pB, n, z);
  const marginals = rightA * (n - rightA) * rightB * (n - rightB);
  const cross = o.bothRight * o.bothWrong - o.onlyA * o.onlyB;
  let phi = 0;
  if (marginals > 0) {
    if (cross > n / 2) phi = (cross - n / 2) / Math.sqrt(marginals);
    else if (cross < 0) phi = cross / Math.sqrt(marginals);
  }
  const d = pA - pB;
  const low = d - Math.sqrt(Math.max(0, (pA - lA) ** 2 + (uB - pB) ** 2 - 2 * phi * (pA - lA) * (uB - pB)));
  const high = d + Math.sqrt(Math.max(0, (pB - lB) ** 2 + (uA - pA) ** 2 - 2 * phi * (pB - lB) * (uA - pA)));
  return [Math.max(-1, low), Math.min(1, high)];
}

/** Both accuracies, their difference with its paired 95 % interval, and McNemar's exact test. */
export function comparePaired(outcomes: PairedOutcomes): PairedComparison {
  const count = outcomes.bothRight + outcomes.onlyA + outcomes.onlyB + outcomes.bothWrong;
  const accuracyA = count > 0 ? (outcomes.bothRight + outcomes.onlyA) / count : 0;
  const accuracyB = count > 0 ? (outcomes.bothRight + outcomes.onlyB) / count : 0;
  return {
    ...outcomes,
    count,
    accuracyA,
    accuracyB,
    difference: accuracyA - accuracyB,
    differenceInterval95: pairedDifferenceInterval(outcomes),
    mcnemarP: mcnemarExactP(outcomes.onlyA, outcomes.onlyB),
  };
}
