import { describe, expect, it } from 'vitest';
import { StorageUnavailableError } from '@fermx/data';
import { RedisUnavailableError } from '@fermx/queue';
import { ApiError } from '../sweeps/sweep-operations.js';
import { defineOrchestratorCommand, isOperationalFailure } from './session.js';

describe('operational failures of orchestrator commands', () => {
  it('are told by their operational property, not their name', () => {
    expect(isOperationalFailure(new RedisUnavailableError('redis down'))).toBe(true);
    expect(isOperationalFailure(new StorageUnavailableError('storage down'))).toBe(true);
    expect(isOperationalFailure(new ApiError(401, 'invalid API token'))).toBe(true);
    // A bug whose name happens to match is still a bug (the old name check took it for Redis being down).
    const impostor = Object.assign(new Error('x is undefined'), { name: 'RedisUnavailableError' });
    expect(isOperationalFailure(impostor)).toBe(false);
    expect(isOperationalFailure({ operational: true, message: 'not an Error' })).toBe(false);
  });

  it('print one line and exit 1; anything else is thrown', async () => {
    const fail = (error: Error) =>
      defineOrchestratorCommand({
        path: ['sweep', 'list'],
        summary: 's',
        usage: 'u',
        run: async () => {
          throw error;
        },
      });
    let err = '';
    const ctx = {
      stderr: {
        write: (s: string) => {
          err += s;
          return true;
        },
      },
    };
    const code = await fail(new RedisUnavailableError('cannot reach Redis at redis://x:6379')).run(ctx as never);
    expect([code, err]).toEqual([1, 'fermx sweep list: cannot reach Redis at redis://x:6379\n']);
    await expect(fail(new TypeError('boom')).run(ctx as never)).rejects.toThrow('boom');
    await expect(fail(Object.assign(new Error('a bug'), { name: 'StorageUnavailableError' })).run(ctx as never)).rejects.toThrow('a bug');
  });
});
