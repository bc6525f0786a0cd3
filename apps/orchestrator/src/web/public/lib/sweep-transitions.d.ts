// Types of sweep-transitions.js, for `fermx sweep status` and the unit tests (the page itself is plain JS, served as is).
import type { SweepTransition } from '../../../sweeps/sweep-record.js';
export function transitionText(t: SweepTransition): string;
