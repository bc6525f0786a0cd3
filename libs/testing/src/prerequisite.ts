import { describe, it } from 'vitest';

/**
 * Suites that need something from outside the repo (a WebGPU adapter, the FER2013 beside the
 * checkout) never skip silently: a missing prerequisite FAILS the run with its reason. Data that
 * only the CI machine holds (`outsideCi: 'skip'`) skips elsewhere, saying why on stderr; under
 * CI=true it fails like everything else. (CONTRIBUTING.md "Test tiers".)
 */
export interface PrerequisiteOptions {
  /** Outside CI: 'fail' (default: the harness can install it, as with redis-server) or 'skip'. */
  outsideCi?: 'fail' | 'skip';
  env?: NodeJS.ProcessEnv;
}

export type PrerequisiteOutcome = 'run' | 'fail' | 'skip';

export class MissingPrerequisiteError extends Error {
  override readonly name = 'MissingPrerequisiteError';
}

/** CI=true (or 1/yes), as CI services set it. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes)$/i.test(env.CI ?? '');
}

/** What a suite does when `problem` (undefined: nothing missing) stands in its way. */
export function prerequisiteOutcome(problem: string | undefined, options: PrerequisiteOptions = {}): PrerequisiteOutcome {
  if (problem === undefined) return 'run';
  if (options.outsideCi === 'skip' && !isCi(options.env)) return 'skip';
  return 'fail';
}

/** The one test a suite runs instead of its own when a prerequisite is missing: it throws the reason. */
export function failsWith(name: string, problem: string): () => never {
  return () => {
    throw new MissingPrerequisiteError(`${name} cannot run: ${problem}`);
  };
}

/** `describe` that runs, fails with `problem`, or (outside CI, when allowed) skips saying why. */
export function describeRequiring(problem: string | undefined, name: string, body: () => void, options: PrerequisiteOptions = {}): void {
  const outcome = prerequisiteOutcome(problem, options);
  if (outcome === 'run') describe(name, body);
  else if (outcome === 'skip') {
    process.stderr.write(`[skipped outside CI] ${name}: ${problem}\n`);
    describe.skip(name, body);
  } else describe(name, () => it('has its prerequisites', failsWith(name, problem!)));
}

/** `it` that runs, fails with `problem`, or (outside CI, when allowed) skips saying why. */
export function itRequiring(
  problem: string | undefined,
  name: string,
  fn: () => Promise<void> | void,
  timeout?: number,
  options: PrerequisiteOptions = {},
): void {
  const outcome = prerequisiteOutcome(problem, options);
  if (outcome === 'run') it(name, fn, timeout);
  else if (outcome === 'skip') {
    process.stderr.write(`[skipped outside CI] ${name}: ${problem}\n`);
    it.skip(name, fn);
  } else it(name, failsWith(name, problem!));
}
