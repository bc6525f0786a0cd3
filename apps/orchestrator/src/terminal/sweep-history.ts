import type { DispatchView, SweepTransition } from '../sweeps/sweep-record.js';
import { transitionText } from '../web/public/lib/sweep-transitions.js';

export { transitionText };

/** One line per transition: `2026-12-04 14:50:01  paused (3 queued trials held back)`. */
export function describeTransition(t: SweepTransition): string {
  const when = t.at.replace('T', ' ').slice(0, 19);
  return `${when}  ${transitionText(t)}`;
}

/** `dispatch: paused · max 2 at once · priority 10 · 5 held`. */
export function describeDispatch(d: DispatchView): string {
  return [
    d.paused ? 'paused' : 'dispatching',
    d.maxConcurrent !== undefined ? `max ${d.maxConcurrent} at once` : 'no concurrency cap',
    `priority ${d.priority}`,
    `${d.held} held`,
  ].join(' · ');
}
