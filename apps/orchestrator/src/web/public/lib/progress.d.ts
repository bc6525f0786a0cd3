// Types of progress.js, for `fermx sweep status` and the unit tests (the page itself is plain JS, served as is).
// The argument is a trial's progress (TrialProgress in @fermx/contracts), typed loosely here so
// that the page's own type check stays free of Node types.
export function secondsLeft(progress: unknown): number | undefined;
export function timeLeftText(progress: unknown): string;
