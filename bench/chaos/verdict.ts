import type { TrialSpec } from '@fermx/contracts';
import type { Storage } from '@fermx/data';
import type { TrialQueue } from '@fermx/queue';
import { syntheticWeights } from '../../apps/gpu-worker/src/testing/synthetic-trainer.js';
import { nonFiniteInResult } from '../../apps/gpu-worker/src/trial/finite-checks.js';
import { TrialFiles } from '../../apps/gpu-worker/src/trial/trial-files.js';

/** How each trial of the sweep ended, as the chaos benchmark counts it. */
export interface Verdict {
  completed: string[];
  /** Not completed: failed, or still queued when the benchmark gave up. */
  lost: string[];
  /** Finished more than once (two workers trained it to the end). */
  duplicated: string[];
  /** Completed but wrong: a non-finite number, an epoch missing or twice in the curve, or final weights that an uninterrupted run would not have (restored from bad bytes). */
  wrong: { trialId: string; why: string }[];
  /** Sum over completed jobs of the attempts beyond the one that completed them. */
  attemptsUsedUp: number;
}

export async function judge(specs: TrialSpec[], queue: TrialQueue, storage: Storage, finishedLogs: string[]): Promise<Verdict> {
  const verdict: Verdict = { completed: [], lost: [], duplicated: [], wrong: [], attemptsUsedUp: 0 };
  for (const spec of specs) {
    const job = await queue.getJob(spec.trialId);
    const state = job ? await job.getState() : 'missing';
    const files = new TrialFiles(storage, spec);
    const result = await files.readResult();
    if (state !== 'completed' || !result) {
      verdict.lost.push(`${spec.trialId} (${state}${job?.failedReason ? `: ${job.failedReason}` : ''})`);
      continue;
    }
    verdict.completed.push(spec.trialId);
    verdict.attemptsUsedUp += Math.max(0, (job?.attemptsMade ?? 1) - 1);
    if (finishedLogs.filter((id) => id === spec.trialId).length > 1) verdict.duplicated.push(spec.trialId);
    const epochs = spec.training.epochs;
    const expected = Array.from({ length: epochs }, (_, i) => i + 1).join(',');
    const bad = nonFiniteInResult(result);
    const curve = result.curves.map((c) => c.epoch).join(',');
    const lines = (await files.readMetrics()).map((l) => l.epoch).join(',');
    const weights = await storage.get(`${files.dir}/model/weights.bin`);
    const actual = Array.from(new Float32Array(weights.slice().buffer));
    const wanted = Array.from(syntheticWeights(spec.training.seed, epochs));
    if (bad) verdict.wrong.push({ trialId: spec.trialId, why: `${bad.path} is ${String(bad.value)}` });
    else if (curve !== expected) verdict.wrong.push({ trialId: spec.trialId, why: `curve epochs ${curve}` });
    else if (lines !== expected) verdict.wrong.push({ trialId: spec.trialId, why: `metrics.jsonl epochs ${lines}` });
    else if (actual.join(',') !== wanted.join(','))
      verdict.wrong.push({ trialId: spec.trialId, why: `final weights [${actual.join(', ')}], an uninterrupted run ends with [${wanted.join(', ')}]` });
  }
  return verdict;
}
