import { describe, expect, it } from 'vitest';
import { secondsLeft, timeLeftText } from './public/lib/progress.js';

const at = (epoch: number, epochs: number, seconds: number) => ({
  epoch,
  epochs,
  seconds,
  loss: 1,
  accuracy: 0.5,
  valLoss: 1,
  valAccuracy: 0.5,
  imagesPerSecond: 10,
});

describe('time left of a running trial', () => {
  it('is the epochs still to run at the pace of the last one', () => {
    expect(secondsLeft(at(20, 100, 150))).toBe(12_000);
    expect(timeLeftText(at(20, 100, 150))).toBe('≈ 3 h 20 min left');
    expect(timeLeftText(at(96, 100, 61))).toBe('≈ 4 min left');
    expect(timeLeftText(at(58, 100, 143.2))).toBe('≈ 1 h 40 min left');
    expect(timeLeftText(at(2, 6, 2.4))).toBe('under a minute left');
    expect(timeLeftText(at(6, 6, 2.4))).toBe('finishing');
  });

  it('says nothing without a finished epoch or a pace', () => {
    for (const progress of [undefined, null, 42, {}, at(0, 10, 5), at(3, 10, 0), at(3, 10, Number.NaN), { epoch: 3, epochs: 10 }]) {
      expect(secondsLeft(progress)).toBeUndefined();
      expect(timeLeftText(progress)).toBe('');
    }
  });
});
