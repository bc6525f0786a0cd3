import { StorageNotFoundError } from '@fermx/data';
import { CheckpointCorruptError, verifyCheckpoint } from '@fermx/models/checkpoint';
import type { Logger } from '@fermx/cli';
import type { LatestCheckpoint, TrialFiles } from './trial-files.js';

/** Where a trial resumes: a checkpoint that passed verification, and the pointer that describes it. */
export interface ResumePoint {
  latest: LatestCheckpoint;
  checkpoint: Uint8Array;
}

/**
 * The newest checkpoint that verifies (its sha256, @fermx/models' checkpoint format): the latest
 * epoch, else the previous one that is kept beside it; undefined (train from scratch) when
 * neither is good. Every rejected checkpoint is logged. Storage errors propagate: an outage is
 * not a corrupt checkpoint.
 */
export async function findResumePoint(files: TrialFiles, latest: LatestCheckpoint, log: Logger): Promise<ResumePoint | undefined> {
  const candidates: LatestCheckpoint[] = [latest];
  if (latest.previous && latest.previous.epoch < latest.epoch) {
    const { epoch, key } = latest.previous;
    candidates.push({ epoch, key, history: latest.history.filter((line) => line.epoch <= epoch), savedAt: latest.savedAt });
  }
  for (const [i, candidate] of candidates.entries()) {
    const read = await readVerified(files, candidate);
    if ('checkpoint' in read) {
      if (read.checksum === 'none')
        log.warn({ epoch: candidate.epoch, key: candidate.key }, 'checkpoint predates checksums (format 1); resuming from it unverified');
      return { latest: candidate, checkpoint: read.checkpoint };
    }
    const problem = read.problem;
    const next = candidates[i + 1];
    log.warn(
      { epoch: candidate.epoch, key: candidate.key, reason: problem, fallbackEpoch: next?.epoch ?? 0 },
      next ? 'checkpoint failed verification; falling back to the previous epoch' : 'no checkpoint passed verification; training the trial from scratch',
    );
  }
  return undefined;
}

async function readVerified(
  files: TrialFiles,
  candidate: LatestCheckpoint,
): Promise<{ checkpoint: Uint8Array; checksum: 'sha256' | 'none' } | { problem: string }> {
  let checkpoint: Uint8Array;
  try {
    checkpoint = await files.readCheckpoint(candidate);
  } catch (error) {
    if (error instanceof StorageNotFoundError) return { problem: `missing: ${error.message}` };
    throw error;
  }
  try {
    return { checkpoint, checksum: verifyCheckpoint(checkpoint).checksum };
  } catch (error) {
    if (error instanceof CheckpointCorruptError) return { problem: error.message };
    throw error;
  }
}
