import { describe, expect, it } from 'vitest';
import { CHANNEL_WORKGROUP, channelTile, flatDispatch, planChannelReduction, rowsAndChannels } from './channel-tile.js';
import { TARGET_INVOCATIONS } from './reduction-plan.js';

describe('channelTile', () => {
  it('fills the workgroup: few channels get more row lanes, many channels one lane', () => {
    expect(channelTile(1)).toEqual({ columns: 1, lanes: CHANNEL_WORKGROUP });
    expect(channelTile(3)).toEqual({ columns: 4, lanes: 16 });
    expect(channelTile(16)).toEqual({ columns: 16, lanes: 4 });
    expect(channelTile(130)).toEqual({ columns: 64, lanes: 1 });
    expect(channelTile(130, 4)).toEqual({ columns: 4, lanes: 16 });
  });
});

describe('planChannelReduction', () => {
  it('covers every row, gives each thread ≥ 32 rows, and stops splitting once the GPU is full', () => {
    for (const [rows, channels] of [
      [8 * 48 * 48, 16],
      [64 * 24 * 24, 64],
      [7, 3],
      [288, 128],
      [1, 1],
    ] as const) {
      const tile = channelTile(channels);
      const { slices, sliceLength } = planChannelReduction(rows, channels, tile);
      expect(sliceLength % tile.lanes).toBe(0);
      expect(slices * sliceLength).toBeGreaterThanOrEqual(rows);
      expect((slices - 1) * sliceLength).toBeLessThan(rows);
      if (slices > 1) expect(sliceLength).toBeGreaterThanOrEqual(32 * tile.lanes);
      expect(slices * Math.ceil(channels / tile.columns) * CHANNEL_WORKGROUP).toBeLessThan(2 * TARGET_INVOCATIONS);
    }
  });
});

describe('rowsAndChannels', () => {
  it('counts every leading axis as rows', () => {
    expect(rowsAndChannels([2, 3, 5, 7], 'K')).toEqual({ rows: 30, channels: 7 });
    expect(rowsAndChannels([9, 4], 'K')).toEqual({ rows: 9, channels: 4 });
  });

  it('names the kernel and the shape of an empty input', () => {
    expect(() => rowsAndChannels([], 'FermxBatchNormMoments')).toThrow(/FermxBatchNormMoments: x must have a channels-last axis.*\[\]/);
    expect(() => rowsAndChannels([0, 4], 'K')).toThrow(/K: x has no rows \(shape \[0, 4\]\)/);
  });
});

describe('flatDispatch', () => {
  it('folds workgroups past 65,535 into y', () => {
    expect(flatDispatch(1000, 64)).toEqual([16, 1, 1]);
    const [x, y] = flatDispatch(64 * 48 * 48 * 64, 64);
    expect(x).toBeLessThanOrEqual(65535);
    expect(x * y * 64).toBeGreaterThanOrEqual(64 * 48 * 48 * 64);
  });
});
