import { describe, expect, it } from 'vitest';
import { failsWith, isCi, MissingPrerequisiteError, prerequisiteOutcome } from './prerequisite.js';

describe('test prerequisites: fail, never skip silently', () => {
  it('runs when nothing is missing', () => {
    expect(prerequisiteOutcome(undefined)).toBe('run');
    expect(prerequisiteOutcome(undefined, { outsideCi: 'skip', env: { CI: 'true' } })).toBe('run');
  });

  it('fails when a prerequisite is missing, in CI and outside it, unless the suite allows a local skip', () => {
    expect(prerequisiteOutcome('no Vulkan loader', { env: {} })).toBe('fail');
    expect(prerequisiteOutcome('no Vulkan loader', { env: { CI: 'true' } })).toBe('fail');
    expect(prerequisiteOutcome('no ../shared', { outsideCi: 'skip', env: {} })).toBe('skip');
    expect(prerequisiteOutcome('no ../shared', { outsideCi: 'skip', env: { CI: 'true' } })).toBe('fail');
    expect(prerequisiteOutcome('no ../shared', { outsideCi: 'skip', env: { CI: '1' } })).toBe('fail');
  });

  it('reads CI the way CI services set it', () => {
    expect([isCi({ CI: 'true' }), isCi({ CI: 'TRUE' }), isCi({ CI: '1' }), isCi({ CI: 'false' }), isCi({ CI: '' }), isCi({})]).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('the stand-in test throws the reason, naming the suite', () => {
    expect(failsWith('webgpu kernels', 'libvulkan.so.1 not found')).toThrow(MissingPrerequisiteError);
    expect(failsWith('webgpu kernels', 'libvulkan.so.1 not found')).toThrow('webgpu kernels cannot run: libvulkan.so.1 not found');
  });
});
