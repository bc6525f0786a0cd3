import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { toValidationIssues } from '@fermx/contracts';
import type { TrialSettings } from '../sweeps/manual-trial.js';
import { HttpError, readBody } from './http-io.js';

/** Body of `POST /api/sweeps/:id/trials`: `{ set: { name: value, … }, variant? }` (values as JSON or as the CLI's strings). */
const EnqueueBody = z.strictObject({
  set: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), z.unknown())])),
  variant: z.string().min(1).optional(),
});

/** Reads and checks an enqueue request (400 naming the field). */
export async function readTrialSettings(req: IncomingMessage): Promise<TrialSettings> {
  const text = await readBody(req, 64 * 1024);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
  const parsed = EnqueueBody.safeParse(json);
  if (!parsed.success) throw new HttpError(400, 'invalid enqueue request', toValidationIssues(parsed.error));
  return parsed.data;
}
