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
      return `paused (${counted(t.heldBack, 'queued trial')} held back; running ones finish)`;
    case 'resumed':
      return `resumed (${counted(t.dispatched, 'trial')} dispatched)`;
    case 'extended':
      return `extended by ${t.n} per grid point (${counted(t.added, 'new trial')}, ${t.total} in all)`;
    case 'retried':
      return `retried ${counted(t.trialIds.length, 'trial')}: ${t.trialIds.join(' ')}`;
    case 'set': {
      const parts = [];
      if (t.maxConcurrent !== undefined) parts.push(`max concurrent ${t.maxConcurrent ?? 'none'}`);
      if (t.priority !== undefined) parts.push(`priority ${t.priority} (${counted(t.reprioritised, 'queued job')} changed)`);
      return `set ${parts.join(', ')}`;
    }
    case 'cancelled':
      return `cancelled (${counted(t.cancelled, 'trial')})`;
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

/** `1 trial`, `3 trials`. */
function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
