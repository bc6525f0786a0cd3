import { formatTable } from '../terminal/table.js';
import { defineOrchestratorCommand, withRuntime, writeJson } from './session.js';

export const workersCommand = defineOrchestratorCommand({
  path: ['workers'],
  summary: 'Live GPU workers (heartbeat within its TTL): host, GPU, backend, current trial',
  usage: '[--json]',
  options: { json: { type: 'boolean' } },
  async run(ctx) {
    const workers = await withRuntime(ctx, (runtime) => runtime.workers.list());
    if (ctx.values.json) return void writeJson(ctx, { workers });
    if (workers.length === 0) return void ctx.stdout.write('No live workers. Start one with `fermx worker`.\n');
    const ago = (iso: string) => `${Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000))}s ago`;
    ctx.stdout.write(
      formatTable(
        ['worker', 'host', 'gpu', 'backend', 'trial', 'last seen'],
        workers.map((w) => [w.id, w.host, w.gpu ?? '—', w.backend ?? '—', w.currentTrial ?? 'idle', ago(w.lastSeen)]),
      ),
    );
  },
});
