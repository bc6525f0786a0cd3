import { describe, expect, it } from 'vitest';
import { assertSweepSpec, sweepIdOf, trialIdOf } from '@fermx/contracts';
import { HttpError } from './http-io.js';
import { requestId } from './request-ids.js';

describe('requestId', () => {
  it('accepts the ids libs/contracts makes', () => {
    const trialId = trialIdOf({ model: { architecture: 'cnn' } as never, training: { epochs: 1 } as never, datasetVersion: '0123456789abcdef' });
    expect(requestId('trialId', trialId)).toBe(trialId);
    for (const name of ['smoke', 'Paper_Table.3', 'a', 'x'.repeat(64), '9..weird--Name._']) {
      const spec = assertSweepSpec({ name, dataset: 'file:///d', model: { architecture: 'cnn' }, parameters: { epochs: 1 } });
      const sweepId = sweepIdOf(spec, '0123456789abcdef');
      expect(requestId('sweepId', sweepId), name).toBe(sweepId);
    }
    expect(requestId('fileName', 'model.json')).toBe('model.json');
    expect(requestId('sweepId', 'api-test-0a1b2c3d')).toBe('api-test-0a1b2c3d');
  });

  it('refuses bad escapes, traversal, NUL and anything off-shape with a 400 that echoes nothing', () => {
    for (const [kind, segment] of [
      ['sweepId', '%E0%A4'],
      ['sweepId', '..%2F..'],
      ['sweepId', 'x%00'],
      ['sweepId', 'nope'],
      ['sweepId', 'A-0a1b2c3d'],
      ['trialId', 't-0000'],
      ['trialId', 't-000000000000000G'],
      ['trialId', '%2Fetc%2Fpasswd'],
      ['fileName', '..%2Fresult.json'],
      ['fileName', '.hidden'],
    ] as const) {
      let error: unknown;
      try {
        requestId(kind, segment);
      } catch (e) {
        error = e;
      }
      expect(error, `${kind} ${segment}`).toBeInstanceOf(HttpError);
      expect((error as HttpError).status).toBe(400);
      expect((error as HttpError).message).not.toContain(decodeURIComponentSafe(segment));
    }
  });
});

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
