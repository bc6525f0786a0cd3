// Types of sweep-transitions.js, for `fermx sweep status` and the unit tests (the page itself is plain JS, served as is).
// The argument is a sweep.json history entry (SweepTransition, sweeps/sweep-record.ts), typed
// loosely here so that the page's own type check (tsconfig.web.json: DOM, no Node) stays free of Node types.
export function transitionText(t: { action: string; [field: string]: unknown }): string;
// The argument is the API's `dispatch` (DispatchView, sweeps/sweep-record.ts).
export function dispatchText(d: { paused: boolean; maxConcurrent?: number; priority: number; held: number }): string;
