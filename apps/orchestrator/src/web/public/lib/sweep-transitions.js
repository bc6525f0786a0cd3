// How a sweep's steering transitions (sweep.json `history`) and its dispatch state read, on the
// sweep page and in `fermx sweep status` alike: plain JS so the page serves it as is, and the
// terminal imports it.

/** `paused (3 queued trials held back; running ones finish)`; an unknown action reads as its name. */
export function transitionText(t) {
  switch (t?.action) {
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
    default:
      return t?.action ?? 'unknown';
  }
}

/** `paused · at most 2 at once · priority 10 · 5 held` (the API's `dispatch`). */
export function dispatchText(d) {
  return [
    d.paused ? 'paused' : 'dispatching',
    d.maxConcurrent === undefined ? 'no concurrency cap' : `at most ${d.maxConcurrent} at once`,
    `priority ${d.priority}`,
    `${d.held} held`,
  ].join(' · ');
}

/** `1 trial`, `3 trials`. */
function counted(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
