import { describe, expect, it } from 'vitest';
import { rungDecision } from './asha.js';

describe('rungDecision', () => {
  it('lets the first trial at a rung continue', () => {
    expect(rungDecision(0, 1, 3)).toBe('continue');
  });
  it('keeps the top ceil(n/eta)', () => {
    // n = 6, eta = 3: the best two continue.
    expect(rungDecision(0, 6, 3)).toBe('continue');
    expect(rungDecision(1, 6, 3)).toBe('continue');
    expect(rungDecision(2, 6, 3)).toBe('stop');
    // n = 2, eta = 2: only the better continues.
    expect(rungDecision(1, 2, 2)).toBe('stop');
  });
});
