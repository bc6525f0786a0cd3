import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './init-backend.js';
import type { BackendName, BackendProbes, ProbeResult } from './backend-info.js';

/** Probes that report availability as given and record what was activated, without touching tfjs. */
function fakeProbes(available: Partial<Record<BackendName, string | true>>, activated: BackendName[]): BackendProbes {
  const make = (name: BackendName) => async (): Promise<ProbeResult> => {
    const state = available[name];
    if (state === true) return { available: true, device: `${name}-device`, activate: async () => void activated.push(name) };
    return { available: false, reason: state ?? `${name} missing` };
  };
  return { tensorflow: make('tensorflow'), webgpu: make('webgpu'), wasm: make('wasm'), cpu: make('cpu') };
}

describe('initBackend choice logic (injected probes)', () => {
  it('auto prefers tensorflow > webgpu > wasm > cpu and records why each was skipped', async () => {
    const activated: BackendName[] = [];
    const messages: string[] = [];
    const info = await initBackend(
      'auto',
      (m, f) => messages.push(`${m} ${JSON.stringify(f)}`),
      fakeProbes({ tensorflow: 'not installed', webgpu: 'no adapter', wasm: true, cpu: true }, activated),
    );
    expect(info.name).toBe('wasm');
    expect(info.device).toBe('wasm-device');
    expect(info.skipped).toEqual([
      { name: 'tensorflow', reason: 'not installed' },
      { name: 'webgpu', reason: 'no adapter' },
    ]);
    expect(activated).toEqual(['wasm']);
    expect(messages.filter((m) => m.startsWith('backend skipped'))).toHaveLength(2);

    const first = await initBackend('auto', undefined, fakeProbes({ tensorflow: true, webgpu: true, wasm: true, cpu: true }, activated));
    expect(first).toMatchObject({ name: 'tensorflow', reason: 'auto: first choice' });
    const webgpu = await initBackend('auto', undefined, fakeProbes({ webgpu: true, wasm: true, cpu: true }, activated));
    expect(webgpu.name).toBe('webgpu');
    const cpu = await initBackend('auto', undefined, fakeProbes({ cpu: true }, activated));
    expect(cpu.name).toBe('cpu');
  });

  it('an explicit choice uses only that backend and fails with its reason', async () => {
    const activated: BackendName[] = [];
    await expect(initBackend('webgpu', undefined, fakeProbes({ webgpu: 'no adapter', cpu: true }, activated))).rejects.toThrow(
      /backend webgpu is not usable: no adapter/,
    );
    expect(activated).toEqual([]);
    const info = await initBackend('cpu', undefined, fakeProbes({ tensorflow: true, cpu: true }, activated));
    expect(info).toMatchObject({ name: 'cpu', reason: 'requested' });
    expect(activated).toEqual(['cpu']);
  });

  it('tells each probe whether the backend was asked for by name (a software GPU is accepted only then)', async () => {
    const contexts: boolean[] = [];
    const probes = fakeProbes({ wasm: true, cpu: true }, []);
    probes.webgpu = async ({ explicit }) => {
      contexts.push(explicit);
      return explicit
        ? { available: true, device: 'swiftshader', activate: async () => ({ caveat: 'software adapter' }) }
        : { available: false, reason: 'only a software adapter' };
    };
    const auto = await initBackend('auto', undefined, probes);
    expect(auto.name).toBe('wasm');
    expect(auto.skipped).toContainEqual({ name: 'webgpu', reason: 'only a software adapter' });
    const explicit = await initBackend('webgpu', undefined, probes);
    expect(explicit).toMatchObject({ name: 'webgpu', device: 'swiftshader', reason: 'requested; software adapter' });
    expect(contexts).toEqual([false, true]);
  });

  it('treats an activation error as a skip under auto', async () => {
    const probes = fakeProbes({ wasm: true, cpu: true }, []);
    probes.wasm = async () => ({
      available: true,
      activate: async () => {
        throw new Error('boom');
      },
    });
    const info = await initBackend('auto', undefined, probes);
    expect(info.name).toBe('cpu');
    expect(info.skipped?.find((s) => s.name === 'wasm')?.reason).toMatch(/activation failed: boom/);
    await expect(initBackend('auto', undefined, fakeProbes({}, []))).rejects.toThrow(/no usable tfjs backend/);
    await expect(initBackend('gpu' as never)).rejects.toThrow(/unknown backend "gpu"/);
  });
});

describe('initBackend on this machine', () => {
  it('auto resolves to wasm with training kernels (no tfjs-node, no real WebGPU adapter here)', async () => {
    const info = await initBackend('auto');
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.reason).not.toMatch(/unavailable/);
    expect(info.skipped?.map((s) => s.name)).toEqual(['tensorflow', 'webgpu']);
    expect(info.skipped?.[0]?.reason).toMatch(/tfjs-node-gpu is not installed/);
    // Whatever Vulkan exists here (none, or SwiftShader/llvmpipe on the CPU), auto does not train on it; without a GPU device it does not start Vulkan at all.
    expect(info.skipped?.[1]?.reason).toMatch(/no GPU device|no WebGPU adapter|only a software WebGPU adapter|webgpu \(Dawn\) bindings failed/);
  });
});
