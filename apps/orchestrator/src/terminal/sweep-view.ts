import { terminalCell } from '@fermx/cli';
import { formatParams } from '../leaderboard/leaderboard-format.js';
import type { SweepListEntry, SweepStatus, TrialView } from '../sweeps/sweep-service.js';
import { formatTable, percent } from './table.js';
import { timeLeftText } from '../web/public/lib/progress.js';
import { dispatchText, describeTransition } from './sweep-history.js';

const STATUS_MARK: Record<TrialView['status'], string> = {
  waiting: '·',
  active: '▶',
  completed: '✓',
  'stopped-early': '✂',
  failed: '✗',
  cancelled: '⊘',
  missing: '?',
};

/** `[██████░░░░]` for a fraction in [0, 1]. */
export function bar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

/** A failed trial's reason, its first line (a stack trace follows it); undefined for any other trial. */
function failureReason(t: TrialView): string | undefined {
  return t.status === 'failed' && t.failedReason ? t.failedReason.split('\n')[0]! : undefined;
}

/**
 * Per-trial progress bars (epoch / epochs, val accuracy) under a one-line summary of the sweep.
 * Names, URIs and failure reasons come from specs and workers: shown escaped (terminalCell).
 */
export function renderSweepStatus(status: SweepStatus, options: { columns?: number; maxTrials?: number } = {}): string {
  const { sweep, counts, trials } = status;
  const c = counts;
  const lines = [
    terminalCell(`${sweep.name} (${sweep.sweepId})  dataset ${sweep.dataset.uri}`),
    `trials ${c.total}: ${c.completed} completed, ${c.stoppedEarly} stopped early, ${c.active} running, ${c.waiting} waiting, ${c.failed} failed, ${c.cancelled} cancelled`,
    '',
  ];
  const shown = trials.slice(0, options.maxTrials ?? 200);
  const label = (t: TrialView) => terminalCell(`${t.variant ?? t.model} ${formatParams(t.params)}`);
  const labelWidth = Math.min(60, Math.max(10, (options.columns ?? 120) - 70));
  for (const t of shown) {
    const epochs = t.progress?.epochs ?? Number(t.params.epochs ?? 0);
    const epoch = t.result ? t.result.epochs : (t.progress?.epoch ?? 0);
    const done = t.status === 'completed' || t.status === 'stopped-early';
    const fraction = done ? (t.status === 'completed' ? 1 : epoch / Math.max(1, epochs)) : epoch / Math.max(1, epochs);
    const acc = t.result?.valAccuracy ?? t.progress?.valAccuracy;
    // A finished trial that ranks its best epoch's model says so: its figure is not the last epoch's.
    const ranked = t.result?.ranked === 'best' ? ` (best, epoch ${t.result.epoch})` : '';
    const text = label(t);
    const name = text.length > labelWidth ? `${text.slice(0, labelWidth - 1)}…` : text.padEnd(labelWidth);
    const reason = failureReason(t);
    // A held trial waits for resume or a free slot under the cap, not for a worker.
    const left = t.status === 'active' ? timeLeftText(t.progress) : '';
    const tail = reason === undefined ? (t.held ? ' (held)' : left ? `  ${left}` : '') : `  ${terminalCell(reason.slice(0, 60))}`;
    lines.push(
      `${STATUS_MARK[t.status]} ${t.trialId}  ${name} ${bar(fraction)} ${String(epoch).padStart(3)}/${String(epochs).padEnd(3)} val ${percent(acc).padStart(7)}${ranked}  ${t.status}${tail}`,
    );
  }
  if (trials.length > shown.length) lines.push(`… and ${trials.length - shown.length} more trials (use --json for all)`);
  // The row keeps 60 characters of a failure; the reason in full (its first line) is what one acts on.
  const failures = shown.flatMap((t) => {
    const reason = failureReason(t);
    return reason === undefined ? [] : [`  ${t.trialId} after ${t.attempts} attempt${t.attempts === 1 ? '' : 's'}: ${terminalCell(reason)}`];
  });
  if (failures.length) lines.push('', 'failed:', ...failures);
  if (status.dispatch) lines.push('', `dispatch: ${dispatchText(status.dispatch)}`);
  if (sweep.history?.length) lines.push('', 'history:', ...sweep.history.map((t) => `  ${describeTransition(t)}`));
  return lines.join('\n') + '\n';
}

export function sweepListTable(entries: SweepListEntry[]): string {
  if (entries.length === 0) return 'No sweeps yet. Submit one with `fermx sweep submit sweeps/smoke.yaml`.\n';
  return formatTable(
    ['sweep', 'name', 'created', 'trials', 'done', 'running', 'waiting', 'failed', 'best val acc'],
    entries.map((e) => [
      e.sweepId,
      e.name,
      e.createdAt.replace('T', ' ').slice(0, 19),
      e.trials.total,
      e.trials.completed + e.trials.stoppedEarly,
      e.trials.active,
      e.trials.waiting,
      e.trials.failed,
      e.best ? `${percent(e.best.valAccuracy)} ${e.best.trialId}` : '—',
    ]),
  );
}
