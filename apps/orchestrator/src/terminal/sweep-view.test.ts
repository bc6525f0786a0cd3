import { describe, expect, it } from 'vitest';
import { bar, renderSweepStatus } from './sweep-view.js';
import type { SweepStatus } from '../sweeps/sweep-service.js';

/** A grid sweep's record; the cases change what they test. */
const sweepRecord = (fields: Partial<SweepStatus['sweep']>): SweepStatus['sweep'] => ({
  sweepId: 's',
  name: 'smoke',
  dataset: { uri: 'file:///d', version: 'v' },
  spec: {},
  strategy: 'grid',
  priority: 1,
  createdAt: '2026-01-01T00:00:00Z',
  ...fields,
});

describe('sweep status view', () => {
  it('draws bars proportional to progress', () => {
    expect(bar(0.5, 10)).toBe('[█████░░░░░]');
    expect(bar(2, 4)).toBe('[████]');
  });

  it('shows each trial with epoch, val accuracy and status', () => {
    const status: SweepStatus = {
      sweep: sweepRecord({ sweepId: 's-1' }),
      counts: { total: 2, waiting: 0, active: 1, completed: 0, failed: 1, stoppedEarly: 0, cancelled: 0 },
      trials: [
        {
          trialId: 't-1',
          status: 'active',
          model: 'cnn',
          params: { epochs: 4 },
          attempts: 1,
          progress: { epoch: 2, epochs: 4, loss: 1, accuracy: 0.5, valLoss: 1, valAccuracy: 0.625, seconds: 1, imagesPerSecond: 10 },
        },
        {
          trialId: 't-2',
          status: 'failed',
          model: 'cnn',
          params: { epochs: 4 },
          attempts: 3,
          failedReason: `out of memory ${'while training '.repeat(6)}epoch 3\n    at train (x.ts:1)`,
        },
      ],
    };
    const text = renderSweepStatus(status, { columns: 120 });
    expect(text).toContain('1 running');
    expect(text).toMatch(/t-1 .*\[██████████░░░░░░░░░░\]\s+2\/4 .*62\.50%\s+active  under a minute left\n/);
    expect(text).toMatch(/t-2 .*failed\s+out of memory/);
    // The row cuts the reason; the list below gives its first line in full, without the stack.
    expect(text).toContain(`failed:\n  t-2 after 3 attempts: out of memory ${'while training '.repeat(6)}epoch 3\n`);
    expect(text).not.toContain('at train');
  });

  it("says when a finished trial's figure is its best epoch's model, not its last", () => {
    const result = {
      epochs: 30,
      valAccuracy: 0.901,
      otherValAccuracy: 0.8854,
      testAccuracy: 0.85,
      macroF1: 0.88,
      trainingSeconds: 900,
      imagesPerSecond: 120,
      backend: 'wasm',
      host: 'h',
    };
    const status: SweepStatus = {
      sweep: sweepRecord({ sweepId: 's-4' }),
      counts: { total: 2, waiting: 0, active: 0, completed: 2, failed: 0, stoppedEarly: 0, cancelled: 0 },
      trials: [
        { trialId: 't-1', status: 'completed', model: 'mxception', params: { epochs: 30 }, attempts: 1, result: { ...result, ranked: 'best', epoch: 22 } },
        { trialId: 't-2', status: 'completed', model: 'mxception', params: { epochs: 30 }, attempts: 1, result: { ...result, ranked: 'last', epoch: 30 } },
      ],
    };
    const text = renderSweepStatus(status, { columns: 120 });
    expect(text).toMatch(/t-1 .*30\/30 .*90\.10% \(best, epoch 22\)  completed\n/);
    expect(text).toMatch(/t-2 .*30\/30 .*90\.10%  completed\n/);
  });

  it('marks a held trial and shows the epoch it stopped at', () => {
    const status: SweepStatus = {
      sweep: sweepRecord({ sweepId: 's-3', name: 'long', priority: 3 }),
      counts: { total: 2, waiting: 2, active: 0, completed: 0, failed: 0, stoppedEarly: 0, cancelled: 0 },
      trials: [
        {
          trialId: 't-1',
          status: 'waiting',
          held: true,
          model: 'mxception',
          params: { epochs: 20 },
          attempts: 0,
          progress: { epoch: 9, epochs: 20, loss: 1, accuracy: 0.6, valLoss: 1, valAccuracy: 0.6421, seconds: 140, imagesPerSecond: 200 },
        },
        { trialId: 't-2', status: 'waiting', model: 'mxception', params: { epochs: 20 }, attempts: 0 },
      ],
    };
    const text = renderSweepStatus(status, { columns: 120 });
    // A held trial is not running: no time left is guessed for it.
    expect(text).toMatch(/t-1 .*\s9\/20 .*64\.21%\s+waiting \(held\)\n/);
    expect(text).toMatch(/t-2 .*\s0\/20 .*waiting\n/);
  });

  it('shows escape sequences from a spec or a worker as text, never sends them to the terminal', () => {
    const status: SweepStatus = {
      sweep: sweepRecord({ sweepId: 's-2', dataset: { uri: 'file:///d\x1b]0;owned\x07', version: 'v' } }),
      counts: { total: 1, waiting: 0, active: 0, completed: 0, failed: 1, stoppedEarly: 0, cancelled: 0 },
      trials: [
        { trialId: 't-1', status: 'failed', model: 'cnn', variant: 'cnn\x1b[2J\u202e', params: { epochs: 4 }, attempts: 1, failedReason: 'boom\x1b[31m' },
      ],
    };
    const text = renderSweepStatus(status, { columns: 160 });
    expect(text).not.toMatch(/[\x1b\x07\u202e]/);
    expect(text).toContain('dataset file:///d\\x1b]0;owned\\x07');
    expect(text).toContain('cnn\\x1b[2J\\u202e');
    expect(text).toContain('boom\\x1b[31m');
  });
});
