import { describe, expect, it } from 'vitest';
import { NotFerPlusError, parseFerPlusHeader } from './ferplus.js';

describe('parseFerPlusHeader', () => {
  it('names a wrong header without passing its escape sequences on to the terminal', () => {
    const header = 'Usage,\x1b]0;owned\x07\x1b[2JImage name,neutral\u202e';
    let error: unknown;
    try {
      parseFerPlusHeader(header, 'votes.csv');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotFerPlusError);
    const message = (error as Error).message;
    expect(message).toContain('votes.csv is not a FER+ votes file (fer2013new.csv): header is "Usage,?]0;owned??[2JImage name,neutral?"');
    expect(message).not.toMatch(/[\x00-\x1f\u202e]/);
  });
});
