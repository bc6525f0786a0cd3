import type { DispatchView, SweepTransition } from '../sweeps/sweep-record.js';

/** One line per transition: `2026-12-04 14:50:01  paused (3 queued trials held back)`. */
export function describeTransition(t: SweepTransition): string {
  const when = t.at.replace('T', ' ').slice(0, 19);
  return `${when}  ${transitionText(t)}`;
}

export function transitionText(t: SweepTransition): string {
  switch (t.action) {
    case 'submitted':
    case 'resubmitted':
      return `${t.action} (${t.enqueued} enqueued, ${t.existing} already known)`;
    case 'paused':
      return `paused (${t.heldBack} queued trials held back; running ones finish)`;
    case 'resumed':
      return `resumed (${t.dispatched} trials dispatched)`;
    case 'extended':
      return `extended by ${t.n} per grid point (${t.added} new trials, ${t.total} in all)`;
    case 'retried':
      return `retried ${t.trialIds.length} trial${t.trialIds.length === 1 ? '' : 's'}: ${t.trialIds.join(' ')}`;
    case 'set': {
      const parts = [];
      if (t.maxConcurrent !== undefined) parts.push(`max concurrent ${t.maxConcurrent ?? 'none'}`);
      if (t.priority !== undefined) parts.push(`priority ${t.priority} (${t.reprioritised} queued jobs changed)`);
      return `set ${parts.join(', ')}`;
    }
    case 'cancelled':
      return `cancelled (${t.cancelled} trials)`;
  }
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
