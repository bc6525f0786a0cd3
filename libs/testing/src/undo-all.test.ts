import { describe, expect, it } from 'vitest';
import { undoAll } from './undo-all.js';

describe('undoAll', () => {
  it('runs every step in order, also after one fails, then throws every failure', async () => {
    const ran: string[] = [];
    const failure = undoAll('fixture', [
      () => ran.push('browser'),
      async () => {
        ran.push('server');
        throw new Error('server would not stop');
      },
      () => ran.push('redis'),
      () => {
        ran.push('folder');
        throw new Error('folder busy');
      },
    ]);
    const error = (await failure.catch((e: unknown) => e)) as AggregateError;
    expect(ran).toEqual(['browser', 'server', 'redis', 'folder']);
    expect(error).toBeInstanceOf(AggregateError);
    expect(error.message).toBe('fixture teardown: 2 step(s) failed');
    expect(error.errors.map((e: Error) => e.message)).toEqual(['server would not stop', 'folder busy']);
  });

  it('resolves when every step succeeds', async () => {
    await expect(undoAll('fixture', [() => undefined, async () => undefined])).resolves.toBeUndefined();
  });
});
