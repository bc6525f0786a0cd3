import * as tf from '@tensorflow/tfjs';
import { backendNames, type BackendChoice, type BackendInfo, type BackendLog, type BackendName, type BackendProbes, type ProbeResult } from './backend-info.js';
import { probeTensorflow } from './tensorflow-probe.js';
import { probeWebgpu } from './webgpu-probe.js';
import { probeWasm } from './wasm-probe.js';

/** `auto` tries these in order: native TensorFlow, a real GPU through WebGPU, wasm, pure JS. */
export const AUTO_ORDER: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

export function defaultProbes(log: BackendLog): BackendProbes {
  return {
    tensorflow: probeTensorflow,
    webgpu: probeWebgpu,
    wasm: probeWasm(log),
    cpu: async () => ({
      available: true,
      device: 'JavaScript',
      activate: async () => {
        if (!(await tf.setBackend('cpu'))) throw new Error("tf.setBackend('cpu') failed");
      },
    }),
  };
}

const silent: BackendLog = () => {};

async function tryBackend(
  name: BackendName,
  probes: BackendProbes,
  log: BackendLog,
  explicit: boolean,
): Promise<{ ok: true; device?: string; caveat?: string } | { ok: false; reason: string }> {
  let probe: ProbeResult;
  try {
    probe = await probes[name]({ explicit });
  } catch (error) {
    return { ok: false, reason: `probe failed: ${(error as Error).message.split('\n')[0]}` };
  }
  if (!probe.available) return { ok: false, reason: probe.reason };
  try {
    const note = (await probe.activate()) ?? {};
    await tf.ready();
    return { ok: true, device: note.device ?? probe.device, ...(note.caveat ? { caveat: note.caveat } : {}) };
  } catch (error) {
    log('backend activation failed', { backend: name, error: (error as Error).message });
    return { ok: false, reason: `activation failed: ${(error as Error).message.split('\n')[0]}` };
  }
}

/**
 * Selects and activates a tfjs backend. An explicit choice that cannot be used throws with the
 * reason; `auto` walks AUTO_ORDER, logs why each earlier backend was skipped, and records the
 * skips in the returned BackendInfo. `probes` is injectable for tests.
 */
export async function initBackend(choice: BackendChoice, log: BackendLog = silent, probes: BackendProbes = defaultProbes(log)): Promise<BackendInfo> {
  if (choice !== 'auto' && !backendNames.includes(choice)) {
    throw new Error(`unknown backend "${String(choice)}" (expected auto, ${backendNames.join(', ')})`);
  }
  const order = choice === 'auto' ? AUTO_ORDER : [choice];
  const skipped: { name: BackendName; reason: string }[] = [];
  for (const name of order) {
    const outcome = await tryBackend(name, probes, log, choice !== 'auto');
    if (!outcome.ok) {
      if (choice !== 'auto') throw new Error(`backend ${name} is not usable: ${outcome.reason}`);
      log('backend skipped', { backend: name, reason: outcome.reason });
      skipped.push({ name, reason: outcome.reason });
      continue;
    }
    const base =
      choice === 'auto' ? (skipped.length ? `auto: first usable (${skipped.map((s) => s.name).join(', ')} skipped)` : 'auto: first choice') : 'requested';
    const info: BackendInfo = {
      name,
      reason: outcome.caveat ? `${base}; ${outcome.caveat}` : base,
      ...(outcome.device ? { device: outcome.device } : {}),
      ...(skipped.length ? { skipped } : {}),
    };
    log('backend selected', { backend: name, device: info.device, reason: info.reason });
    return info;
  }
  throw new Error(`no usable tfjs backend: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}
