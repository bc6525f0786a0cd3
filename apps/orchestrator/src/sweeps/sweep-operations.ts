import { SteeringError } from './steering-error.js';
import type { SteerOutcome, SubmitOptions, SubmitOutcome, SweepListEntry, SweepStatus } from './sweep-service.js';
import type { EnqueueOutcome } from './sweep-enqueue.js';
import type { TrialSettings } from './manual-trial.js';

/** What the CLI does with sweeps, directly (Redis + storage) or through `fermx serve`'s API. */
export interface SweepOperations {
  submit(input: unknown, options?: SubmitOptions): Promise<SubmitOutcome>;
  status(sweepId: string): Promise<SweepStatus | undefined>;
  cancel(sweepId: string): Promise<{ cancelled: number } | undefined>;
  list(): Promise<SweepListEntry[]>;
  /** Steering (docs/ORCHESTRATOR.md); a refusal throws SteeringError (404, 409, 400). */
  pause(sweepId: string): Promise<SteerOutcome>;
  resume(sweepId: string): Promise<SteerOutcome>;
  extend(sweepId: string, n: number): Promise<SteerOutcome>;
  retry(sweepId: string, target: { failed: true } | { trialId: string }): Promise<SteerOutcome>;
  set(sweepId: string, change: { maxConcurrent?: number | null; priority?: number }): Promise<SteerOutcome>;
  /** One specific trial (`sweep enqueue`); undefined for an unknown sweep. */
  enqueue(sweepId: string, settings: TrialSettings): Promise<EnqueueOutcome | undefined>;
}

/** A refused API call (401, 404, 5xx): its status and the server's message. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** An operational failure (the server refused): commands print one line, no stack. */
  readonly operational = true;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** SweepOperations over the HTTP API (`--api URL`), with the bearer token for writes. */
export class HttpSweeps implements SweepOperations {
  private readonly base: string;
  constructor(
    baseUrl: string,
    private readonly token: string | undefined,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.token && method !== 'GET') headers.Authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (error) {
      throw new ApiError(0, `cannot reach ${this.base}: ${(error as Error).message}`);
    }
    const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: response.status, json };
  }

  private fail(status: number, json: Record<string, unknown>): never {
    throw new ApiError(status, `${status}: ${typeof json.error === 'string' ? json.error : 'request failed'}`);
  }

  async submit(input: unknown, options: SubmitOptions = {}): Promise<SubmitOutcome> {
    const { status, json } = await this.call('POST', options.dryRun ? '/api/sweeps?dryRun=true' : '/api/sweeps', input);
    if (status === (options.dryRun ? 200 : 201)) return { ok: true, ...(json as Omit<Extract<SubmitOutcome, { ok: true }>, 'ok'>) };
    if (status === 400 && Array.isArray(json.issues))
      return { ok: false, error: String(json.error), issues: json.issues as { path: string; message: string }[] };
    return this.fail(status, json);
  }

  async status(sweepId: string): Promise<SweepStatus | undefined> {
    const { status, json } = await this.call('GET', `/api/sweeps/${encodeURIComponent(sweepId)}`);
    if (status === 404) return undefined;
    if (status !== 200) return this.fail(status, json);
    return json as unknown as SweepStatus;
  }

  async enqueue(sweepId: string, settings: TrialSettings): Promise<EnqueueOutcome | undefined> {
    const { status, json } = await this.call('POST', `/api/sweeps/${encodeURIComponent(sweepId)}/trials`, settings);
    if (status === 404) return undefined;
    if (status === 201) return { ok: true, ...(json as Omit<Extract<EnqueueOutcome, { ok: true }>, 'ok'>) };
    if (status === 400 && Array.isArray(json.issues))
      return { ok: false, error: String(json.error), issues: json.issues as { path: string; message: string }[] };
    return this.fail(status, json);
  }

  async cancel(sweepId: string): Promise<{ cancelled: number } | undefined> {
    const { status, json } = await this.call('POST', `/api/sweeps/${encodeURIComponent(sweepId)}/cancel`);
    if (status === 404) return undefined;
    if (status !== 200) return this.fail(status, json);
    return json as { cancelled: number };
  }

  async list(): Promise<SweepListEntry[]> {
    const { status, json } = await this.call('GET', '/api/sweeps');
    if (status !== 200) return this.fail(status, json);
    return json.sweeps as SweepListEntry[];
  }

  pause(sweepId: string): Promise<SteerOutcome> {
    return this.steer(sweepId, 'pause');
  }

  resume(sweepId: string): Promise<SteerOutcome> {
    return this.steer(sweepId, 'resume');
  }

  extend(sweepId: string, n: number): Promise<SteerOutcome> {
    return this.steer(sweepId, 'extend', { n });
  }

  retry(sweepId: string, target: { failed: true } | { trialId: string }): Promise<SteerOutcome> {
    return this.steer(sweepId, 'retry', target);
  }

  set(sweepId: string, change: { maxConcurrent?: number | null; priority?: number }): Promise<SteerOutcome> {
    return this.steer(sweepId, 'set', change);
  }

  /** POST /api/sweeps/:id/<action>; the server's 400/404/409 come back as SteeringError. */
  private async steer(sweepId: string, action: string, body: object = {}): Promise<SteerOutcome> {
    const { status, json } = await this.call('POST', `/api/sweeps/${encodeURIComponent(sweepId)}/${action}`, body);
    if (status === 200) return json as unknown as SteerOutcome;
    if (status === 400 || status === 404 || status === 409) throw new SteeringError(status, typeof json.error === 'string' ? json.error : `${action} refused`);
    return this.fail(status, json);
  }
}
