/**
 * Search benchmark (`npm run bench:search`), not a test: TPE vs random search through the real
 * path — a real redis-server (@fermx/testing), the orchestrator's sweep service and search loop,
 * BullMQ, and gpu-worker workers (startWorker) whose injected trainer evaluates a standard test
 * function (bench/function-trainer.ts) at the point a trial's hyperparameters encode and reports
 * it as val_loss (metric: val_loss, minimised).
 *   1. For each function (Branin, Hartmann-6, Rosenbrock-4, a mixed continuous/log/int/categorical
 *      one): SEEDS tpe sweeps and SEEDS random sweeps of N trials; median best-found after k
 *      trials; how many trials TPE's median needs to reach random's final (N-trial) median best.
 *   2. The orchestrator's cost per proposal with 1,000 completed trials: the sampler's ask alone,
 *      and a whole search pass (load the 1,000-result log, observe, propose, write).
 * Figures go to docs/ORCHESTRATOR.md. `--quick`: 3 seeds, N = 30; `--cost-only`: part 2 only.
 * Stops by itself (LIMIT_MS).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { parseSweepSpec, resultObjective, runKeys, type TrialResult, type TrialSpec } from '@fermx/contracts';
import { openStorage } from '@fermx/data';
import { decisionRandom, sampleUniform, SearchStudy, type SearchEvent } from '@fermx/search';
import { TEST_FUNCTIONS, type TestFunction } from '@fermx/search/testing';
import { RedisServer } from '@fermx/testing';
import { parseConfig } from '../apps/orchestrator/src/config.js';
import { openRuntime, type Runtime } from '../apps/orchestrator/src/runtime.js';
import { SearchLoop } from '../apps/orchestrator/src/sweeps/search-loop.js';
import { searchCells, searchConfig, type TpeSpec } from '../apps/orchestrator/src/sweeps/search-space.js';
import { parseWorkerConfig } from '../apps/gpu-worker/src/config.js';
import { startWorker, type RunningWorker } from '../apps/gpu-worker/src/worker/start-worker.js';
import { FunctionTrainer } from './function-trainer.js';

const quick = process.argv.includes('--quick');
const costOnly = process.argv.includes('--cost-only');
const SEEDS = quick ? 3 : 11;
const N = quick ? 30 : 60;
const WORKERS = 4;
const MAX_CONCURRENT = 4;
const LIMIT_MS = (quick ? 5 : 20) * 60_000;

/** How a function's dimension is carried by a sweep parameter: the parameter's domain and the map to the dimension. */
interface Axis {
  dim: string;
  param: 'dropout' | 'width' | 'learningRate' | 'batchSize' | 'seed' | 'middleFlowRepeats';
  domain: Record<string, unknown>;
  toDim: (v: unknown) => unknown;
}

const linear = (dim: string, param: Axis['param'], kind: 'uniform' | 'int', lo: number, hi: number, a: number, b: number): Axis => ({
  dim,
  param,
  domain: { [kind]: [lo, hi] },
  toDim: (v) => a + (((v as number) - lo) / (hi - lo)) * (b - a),
});

const UNIT = (dim: string, param: Axis['param'], kind: 'uniform' | 'int', lo: number, hi: number) => linear(dim, param, kind, lo, hi, 0, 1);
const SQUARE = (dim: string, param: Axis['param'], kind: 'uniform' | 'int', lo: number, hi: number) => linear(dim, param, kind, lo, hi, -2, 2);

const AXES: Record<string, Axis[]> = {
  branin: [linear('x1', 'dropout', 'uniform', 0, 0.9, -5, 10), linear('x2', 'width', 'uniform', 0.5, 8, 0, 15)],
  hartmann6: [
    UNIT('x1', 'dropout', 'uniform', 0, 0.9),
    UNIT('x2', 'width', 'uniform', 0.5, 8),
    UNIT('x3', 'learningRate', 'uniform', 0.001, 0.1),
    UNIT('x4', 'batchSize', 'int', 1, 10_001),
    UNIT('x5', 'seed', 'int', 0, 100_000),
    UNIT('x6', 'middleFlowRepeats', 'int', 0, 32),
  ],
  rosenbrock4: [
    SQUARE('x1', 'dropout', 'uniform', 0, 0.9),
    SQUARE('x2', 'width', 'uniform', 0.5, 8),
    SQUARE('x3', 'learningRate', 'uniform', 0.001, 0.1),
    SQUARE('x4', 'batchSize', 'int', 1, 10_001),
  ],
  mixed: [
    linear('x', 'dropout', 'uniform', 0, 0.9, -5, 5),
    { dim: 'r', param: 'learningRate', domain: { loguniform: [1e-4, 1] }, toDim: (v) => v },
    { dim: 'k', param: 'middleFlowRepeats', domain: { int: [1, 16] }, toDim: (v) => v },
    { dim: 'cat', param: 'batchSize', domain: { choice: [16, 32, 64, 128] }, toDim: (v) => ({ 16: 'a', 32: 'b', 64: 'c', 128: 'd' })[v as 16] },
  ],
};

const functionOf = (sweepName: string): TestFunction => TEST_FUNCTIONS.find((f) => sweepName.startsWith(`bench-${f.name}-`))!;

/** The test function's value at the point a trial encodes. */
function valueOf(spec: TrialSpec): number {
  const f = functionOf(spec.sweepName);
  const values: Record<string, unknown> = { ...spec.model, ...spec.training };
  return f.value(Object.fromEntries(AXES[f.name]!.map((a) => [a.dim, a.toDim(values[a.param])])));
}

function sweepSpec(f: TestFunction, sampler: 'tpe' | 'random', seed: number, dataset: string): Record<string, unknown> {
  return {
    name: `bench-${f.name}-${sampler}-${seed}`,
    dataset,
    model: { architecture: 'cnn' },
    parameters: { ...Object.fromEntries(AXES[f.name]!.map((a) => [a.param, a.domain])), epochs: 1 },
    strategy: sampler === 'tpe' ? { type: 'tpe', n: N, startupTrials: 10, maxConcurrent: MAX_CONCURRENT, seed } : { type: 'random', n: N, seed },
    metric: 'val_loss',
    retry: { attempts: 1 },
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const stop = setTimeout(() => {
    console.error(`bench:search: over its ${LIMIT_MS / 60_000} min limit; stopping`);
    process.exit(1);
  }, LIMIT_MS);
  stop.unref();
  const redis = await RedisServer.start();
  const dir = mkdtempSync(join(tmpdir(), 'fermx-bench-search-'));
  const storageUri = pathToFileURL(join(dir, 'store')).href;
  const env = { REDIS_URL: redis.url, FERMX_STORAGE: storageUri, FERMX_REDIS_PREFIX: `bench-${randomUUID()}`, FERMX_LOG_LEVEL: 'silent' };
  const log = pino({ level: process.env.FERMX_BENCH_LOG ?? 'silent' }, process.stderr);
  const dataset = `${storageUri}/datasets/functions/v1`;
  await openStorage(dataset).put('manifest.json', JSON.stringify({ classes: ['a', 'b'] }));
  const runtime = await openRuntime(parseConfig(env), env);
  const loop = new SearchLoop(runtime.sweeps.search, { redisUrl: redis.url, keys: { prefix: env.FERMX_REDIS_PREFIX }, log, intervalMs: 250 });
  const workers: RunningWorker[] = [];
  try {
    await loop.start();
    for (let i = 0; i < WORKERS; i++) {
      const config = parseWorkerConfig({ ...env, FERMX_WORKER_ID: `bench-w${i}`, FERMX_HEARTBEAT_MS: '1000' });
      workers.push(await startWorker(config, log, env, { trainer: new FunctionTrainer(valueOf) }));
    }
    if (costOnly) console.log(`fermx search benchmark (cost only) — node ${process.version}, redis-server on loopback`);
    else await compareSamplers(runtime, dataset);
    console.log('');
    // The cost bench calls the search pass itself.
    await loop.stop();
    await benchProposalCost(runtime, dataset);
  } finally {
    await loop.stop();
    for (const w of workers) await w.stop();
    await runtime.queue.obliterate({ force: true }).catch(() => undefined);
    await runtime.close();
    await redis.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

/** Part 1: TPE vs random on every test function, one table row each. */
async function compareSamplers(runtime: Runtime, dataset: string): Promise<void> {
  console.log(
    `fermx search benchmark — node ${process.version}, redis-server on loopback, ${WORKERS} in-process workers, ${SEEDS} seeds, N = ${N} trials, tpe maxConcurrent ${MAX_CONCURRENT}, startupTrials 10${quick ? ' (quick)' : ''}`,
  );
  console.log('');
  console.log("| function | optimum | random: median best at N | tpe: median best at N | trials tpe needs to reach random's best | ratio (N / that) |");
  console.log('|---|---|---|---|---|---|');
  for (const f of TEST_FUNCTIONS) {
    const started = performance.now();
    const curves = await runFunction(runtime, f, dataset);
    const medianCurve = (c: number[][]) => Array.from({ length: N }, (_, k) => median(c.map((best) => best[k]!)));
    const random = medianCurve(curves.random);
    const tpe = medianCurve(curves.tpe);
    const target = random[N - 1]!;
    const reach = tpe.findIndex((v) => v <= target) + 1;
    const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(4));
    console.log(
      `| ${f.name} (${AXES[f.name]!.length}-d) | ${f.optimum} | ${fmt(target)} | ${fmt(tpe[N - 1]!)} | ${reach > 0 ? reach : `> ${N}`} | ${reach > 0 ? `${(N / reach).toFixed(2)}×` : '< 1×'} |`,
    );
    console.error(`  ${f.name}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
}

/** Runs SEEDS tpe and SEEDS random sweeps of one function at once; best-so-far curves in proposal order. */
async function runFunction(runtime: Runtime, f: TestFunction, dataset: string): Promise<{ tpe: number[][]; random: number[][] }> {
  const sweeps: { sampler: 'tpe' | 'random'; sweepId: string }[] = [];
  for (const sampler of ['tpe', 'random'] as const) {
    for (let seed = 0; seed < SEEDS; seed++) {
      const outcome = await runtime.sweeps.submit(sweepSpec(f, sampler, seed, dataset));
      if (!outcome.ok) throw new Error(`${f.name} ${sampler}: ${JSON.stringify(outcome.issues)}`);
      sweeps.push({ sampler, sweepId: outcome.sweepId });
    }
  }
  const done = async (s: (typeof sweeps)[number]) => {
    if (s.sampler === 'tpe') return !(await runtime.sweeps.search.log.active()).includes(s.sweepId);
    const status = await runtime.sweeps.status(s.sweepId);
    return status !== undefined && status.counts.waiting === 0 && status.counts.active === 0;
  };
  const started = performance.now();
  let last = started;
  for (const s of sweeps) {
    while (!(await done(s))) {
      await new Promise((r) => setTimeout(r, 500));
      if (performance.now() - last > 15_000) {
        last = performance.now();
        console.error(`  ${f.name}: ${await runtime.queue.getCompletedCount()} trials completed in the queue, ${((last - started) / 1000).toFixed(0)} s`);
      }
    }
  }

  const out = { tpe: [] as number[][], random: [] as number[][] };
  for (const s of sweeps) {
    const record = (await runtime.catalog.get(s.sweepId))!;
    const order =
      s.sampler === 'tpe'
        ? (await runtime.sweeps.search.log.read(s.sweepId)).flatMap((e) => (e.type === 'ask' && e.by !== 'manual' ? [e.trialId] : []))
        : record.trials.map((t) => t.trialId);
    const rows = await runtime.index.getMany(order);
    const values: number[] = [];
    for (const [i, trialId] of order.entries()) {
      const bytes = await runtime.storage.getOptional(runKeys.result(rows[i]?.sweepId ?? s.sweepId, trialId));
      const value = bytes
        ? resultObjective({ name: 'val_loss', goal: 'min', summary: 'last' }, JSON.parse(new TextDecoder().decode(bytes)) as TrialResult)
        : undefined;
      if (value === undefined) throw new Error(`${s.sweepId}: no result for ${trialId}`);
      values.push(value);
    }
    if (values.length !== N) throw new Error(`${s.sweepId}: ${values.length} trials, expected ${N}`);
    let best = Infinity;
    out[s.sampler].push(values.map((v) => (best = Math.min(best, v))));
  }
  return out;
}

/**
 * Cost per proposal with 1,000 completed trials (Hartmann-6 space): a tpe sweep whose log holds
 * 1,000 asked, told and ended trials; (a) SearchStudy.propose alone, (b) the orchestrator's whole
 * pass (advance: load spec and log from storage/Redis, observe, propose, append, list, enqueue).
 */
async function benchProposalCost(runtime: Runtime, dataset: string): Promise<void> {
  const f = TEST_FUNCTIONS.find((t) => t.name === 'hartmann6')!;
  const input = {
    ...sweepSpec(f, 'tpe', 999, dataset),
    name: 'bench-cost-hartmann6',
    strategy: { type: 'tpe', n: 2_000, startupTrials: 10, maxConcurrent: 1, seed: 1 },
  };
  const parsed = parseSweepSpec(input);
  if (!parsed.ok) throw new Error('cost spec');
  const spec = parsed.spec as TpeSpec;
  const cells = searchCells(spec);
  const events: SearchEvent[] = [];
  const random = decisionRandom(42);
  for (let i = 0; i < 1_000; i++) {
    const params = sampleUniform(cells[0]!.space, random);
    const trialId = `t-${i.toString(16).padStart(16, '0')}`;
    events.push(
      { type: 'ask', trialId, cell: 0, params, by: 'random' },
      { type: 'tell', trialId, budget: 'final', value: -Math.random() },
      { type: 'end', trialId, status: 'completed' },
    );
  }
  const study = new SearchStudy(searchConfig(spec, cells), events);
  const idOf = (_c: number, p: Record<string, unknown>) => JSON.stringify(p);
  const asks: number[] = [];
  // Five asks first warm up the JIT (the orchestrator is a long-running process); then 20 are timed.
  for (let i = 0; i < 5; i++) study.propose(idOf);
  const askCpu: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    study.propose(idOf);
    const c = process.cpuUsage(c0);
    asks.push(performance.now() - t0);
    askCpu.push((c.user + c.system) / 1000);
  }

  // The whole pass: a submitted sweep whose log gets the same 1,000 results (workers never see these ids).
  const outcome = await runtime.sweeps.submit(input);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.issues));
  const search = runtime.sweeps.search;
  await search.log.append(outcome.sweepId, events);
  const passes: number[] = [];
  const passCpu: number[] = [];
  for (let i = 0; i < 10; i++) {
    // End whatever runs (maxConcurrent 1), so the pass has exactly one slot to fill.
    const running = new SearchStudy(searchConfig(spec, cells), await search.log.read(outcome.sweepId)).running();
    await search.log.append(
      outcome.sweepId,
      running.map((trialId) => ({ type: 'end' as const, trialId, status: 'failed' as const })),
    );
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const proposed = await search.advance(outcome.sweepId);
    const c = process.cpuUsage(c0);
    passes.push(performance.now() - t0);
    passCpu.push((c.user + c.system) / 1000);
    if (proposed !== 1) throw new Error(`expected one proposal per pass, got ${proposed}`);
  }
  await runtime.sweeps.cancel(outcome.sweepId);
  console.log(
    `## Cost per proposal with 1,000 completed trials (Hartmann-6 space, multivariate TPE, 24 candidates; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs)`,
  );
  console.log(
    `ask alone (SearchStudy.propose): median ${median(asks).toFixed(1)} ms wall, ${median(askCpu).toFixed(1)} ms CPU; max ${Math.max(...asks).toFixed(1)} ms wall`,
  );
  console.log(
    `whole orchestrator pass (read spec + 3,000-event log, observe, propose, append, list, enqueue): median ${median(passes).toFixed(1)} ms wall, ${median(passCpu).toFixed(1)} ms CPU of this process; max ${Math.max(...passes).toFixed(1)} ms wall; target ≤ 50 ms`,
  );
}

await main();
