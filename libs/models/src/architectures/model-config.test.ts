import { describe, expect, it } from 'vitest';
import { InvalidModelConfigError, parseModelConfig } from './model-config.js';

describe('parseModelConfig (the @fermx/contracts schema)', () => {
  it('accepts what a sweep may submit, at the bounds', () => {
    expect(parseModelConfig({ architecture: 'xception', numClasses: 1000, middleFlowRepeats: 32, width: 8, dropout: 0.5 })).toEqual({
      architecture: 'xception', numClasses: 1000, middleFlowRepeats: 32, width: 8, dropout: 0.5,
    });
  });

  it('names every out-of-bounds or unknown field', () => {
    const parse = () => parseModelConfig({ architecture: 'mxception', numClasses: 4, width: 9, middleFlowRepeats: 33, depth: 2 });
    expect(parse).toThrow(InvalidModelConfigError);
    expect(parse).toThrow(/width: width must be <= 8/);
    expect(parse).toThrow(/middleFlowRepeats: middleFlowRepeats must be <= 32/);
    expect(parse).toThrow(/depth/);
  });
});
