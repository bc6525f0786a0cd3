import type { SweepTransition } from '../sweeps/sweep-record.js';
import { dispatchText, transitionText } from '../web/public/lib/sweep-transitions.js';

// The page's wording, one source for both (web/public/lib/sweep-transitions.js).
export { dispatchText, transitionText };

/** One line per transition: `2026-12-04 14:50:01  paused (3 queued trials held back)`. */
export function describeTransition(t: SweepTransition): string {
  const when = t.at.replace('T', ' ').slice(0, 19);
  return `${when}  ${transitionText(t)}`;
}
