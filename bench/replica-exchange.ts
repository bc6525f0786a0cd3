/**
 * `npx tsx bench/replica-exchange.ts [--floats 80612] [--steps 2000]`
 *
 * The per-step cost of the replicas' gradient all-reduce between two threads, two ways, measured
 * in one run: SharedArrayBuffer slots plus a small message (what ReplicaGroup does), and
 * gradients posted as transferred Float32Arrays with the sum posted back. 80 612 floats =
 * M-Xception's trainable parameters.
 */
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';

const { values: flags } = parseArgs({ options: { floats: { type: 'string', default: '80612' }, steps: { type: 'string', default: '2000' } } });
const n = Number(flags.floats);
const steps = Number(flags.steps);

// The other replica: writes (or posts) its gradients, then reads the sum as an Adam update would.
const replica = `
const { parentPort, workerData } = require('node:worker_threads');
const { n, buffer } = workerData;
const all = new Float32Array(buffer), mine = all.subarray(n, 2 * n), sum = all.subarray(2 * n);
const gradients = new Float32Array(n).fill(1);
const read = (values) => { let s = 0; for (let i = 0; i < n; i++) s += values[i]; return s; };
parentPort.on('message', (m) => {
  if (m.kind === 'shared') { mine.set(gradients); parentPort.postMessage({ loss: 1 }); }
  else if (m.kind === 'shared-apply') read(sum);
  else if (m.kind === 'posted') { const out = gradients.slice(); parentPort.postMessage({ gradients: out }, [out.buffer]); }
  else if (m.kind === 'posted-apply') read(m.sum);
});`;

const buffer = new SharedArrayBuffer(3 * n * 4);
const worker = new Worker(replica, { eval: true, workerData: { n, buffer } });
const all = new Float32Array(buffer);
const [own, theirs, sum] = [all.subarray(0, n), all.subarray(n, 2 * n), all.subarray(2 * n)];
const answer = () => new Promise<{ gradients?: Float32Array }>((resolve) => worker.once('message', resolve));

async function time(kind: 'shared' | 'posted'): Promise<number> {
  const start = performance.now();
  for (let s = 0; s < steps; s++) {
    const reply = answer();
    worker.postMessage({ kind });
    const message = await reply;
    if (kind === 'shared') {
      sum.set(own);
      for (let i = 0; i < n; i++) sum[i]! += theirs[i]!;
      worker.postMessage({ kind: 'shared-apply' });
    } else {
      const total = own.slice();
      const other = message.gradients!;
      for (let i = 0; i < n; i++) total[i]! += other[i]!;
      worker.postMessage({ kind: 'posted-apply', sum: total }, [total.buffer]);
    }
  }
  return (performance.now() - start) / steps;
}

const results: Record<string, number[]> = { shared: [], posted: [] };
for (let round = 0; round < 3; round++) for (const kind of ['shared', 'posted'] as const) results[kind]!.push(await time(kind));
await worker.terminate();
const best = (v: number[]) => Math.min(...v);
console.log(`all-reduce of ${n} floats between 2 threads, best of 3 × ${steps} steps`);
console.log(`SharedArrayBuffer slots: ${best(results.shared!).toFixed(3)} ms/step`);
console.log(`transferred Float32Arrays: ${best(results.posted!).toFixed(3)} ms/step`);
console.log(`ratio posted/shared: ${(best(results.posted!) / best(results.shared!)).toFixed(2)}`);
