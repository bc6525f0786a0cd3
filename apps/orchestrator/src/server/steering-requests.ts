import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { toValidationIssues } from '@fermx/contracts';
import { SteeringError } from '../sweeps/steering-error.js';
import type { SteerOutcome, SweepService } from '../sweeps/sweep-service.js';
import { HttpError, readBody } from './http-io.js';
import { ID_PATTERNS } from './request-ids.js';

export const STEERING_ACTIONS = ['pause', 'resume', 'extend', 'retry', 'set'] as const;
export type SteeringAction = (typeof STEERING_ACTIONS)[number];

/** Request bodies of `POST /api/sweeps/:id/<action>` (pause and resume take none, or `{}`). */
const BODIES = {
  pause: z.strictObject({}),
  resume: z.strictObject({}),
  extend: z.strictObject({ n: z.number().int().min(1) }),
  retry: z.union([z.strictObject({ failed: z.literal(true) }), z.strictObject({ trialId: z.string().regex(ID_PATTERNS.trialId, 'not a trial id') })], {
    error: 'give { failed: true } or { trialId }',
  }),
  set: z.strictObject({ maxConcurrent: z.number().int().min(1).nullable().optional(), priority: z.number().int().min(1).max(2_097_152).optional() }),
} as const;

/**
 * Runs one steering action from an API request: the body is checked (400 naming the field), the
 * service's refusals keep their status (404 unknown sweep or trial, 409 not in a state for it).
 */
export async function runSteering(
  req: IncomingMessage,
  action: SteeringAction,
  sweeps: Pick<SweepService, SteeringAction>,
  sweepId: string,
): Promise<SteerOutcome> {
  const text = await readBody(req, 64 * 1024);
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'the body is not JSON');
    }
  }
  const parsed = BODIES[action].safeParse(json);
  if (!parsed.success) throw new HttpError(400, `invalid ${action} request`, toValidationIssues(parsed.error));
  try {
    switch (action) {
      case 'pause':
        return await sweeps.pause(sweepId);
      case 'resume':
        return await sweeps.resume(sweepId);
      case 'extend':
        return await sweeps.extend(sweepId, (parsed.data as { n: number }).n);
      case 'retry':
        return await sweeps.retry(sweepId, parsed.data as { failed: true } | { trialId: string });
      case 'set':
        return await sweeps.set(sweepId, parsed.data as { maxConcurrent?: number | null; priority?: number });
    }
  } catch (error) {
    if (error instanceof SteeringError) throw new HttpError(error.status, error.message);
    throw error;
  }
}
