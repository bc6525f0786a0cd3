import { planReduction, type ReductionPlan } from './reduction-plan.js';

/** Threads per workgroup of the per-channel reductions. */
export const CHANNEL_WORKGROUP = 64;

/**
 * How a workgroup of a per-channel reduction over rows (x is [rows, C], channels last) spreads
 * its threads: `columns` neighbouring channels × `lanes` rows at a time. Thread t reads channel
 * t % columns of row t / columns, so a workgroup's loads are one contiguous run when C ≤ columns
 * and runs of `columns` floats otherwise; no lane idles when C is small (8, 16 channels).
 */
export interface ChannelTile {
  columns: number;
  lanes: number;
}

function powerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Tile of at most `widest` channels (a power of two ≤ CHANNEL_WORKGROUP). */
export function channelTile(channels: number, widest = CHANNEL_WORKGROUP): ChannelTile {
  const columns = Math.min(widest, powerOfTwoAtLeast(channels));
  return { columns, lanes: CHANNEL_WORKGROUP / columns };
}

/**
 * First pass of a per-channel reduction: rows split into slices (workgroups along y), enough to
 * fill a GPU; each thread then reads at least 32 rows, so the second pass stays short.
 */
export function planChannelReduction(rows: number, channels: number, tile: ChannelTile): ReductionPlan {
  const workgroupsPerSlice = Math.ceil(channels / tile.columns);
  return planReduction(rows, workgroupsPerSlice * CHANNEL_WORKGROUP, tile.lanes * 32, tile.lanes);
}

/** Rows and channels of a channels-last tensor; every leading axis counts as rows. */
export function rowsAndChannels(shape: readonly number[], kernel: string): { rows: number; channels: number } {
  const channels = shape[shape.length - 1];
  if (channels === undefined || channels < 1) throw new Error(`${kernel}: x must have a channels-last axis of size ≥ 1, got shape [${shape.join(', ')}]`);
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (rows < 1) throw new Error(`${kernel}: x has no rows (shape [${shape.join(', ')}])`);
  return { rows, channels };
}

/** Workgroups for a flat 1-D index space, folded into y past WebGPU's 65,535-per-dimension limit. */
export function flatDispatch(size: number, workgroupSize: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(size / workgroupSize));
  const x = Math.min(groups, 65535);
  return [x, Math.ceil(groups / x), 1];
}
