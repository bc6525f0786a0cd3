// Types of class-priors.js for the unit tests (the page itself is plain JS, served as is).
type Counts = Record<string, number>;
export function classPriors(
  classes: string[],
  metadata: unknown,
): { choices: Array<'trained' | 'uncapped'>; why: string; classMix?: { train: Counts; uncapped: Counts } };
