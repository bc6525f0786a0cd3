/**
 * How a filter gradient's reduction over N·H·W output positions is split across workgroups.
 * The stock tfjs-webgpu kernels give each filter element one thread that loops over every
 * position, so a 3×3×64×64 gradient keeps ~37k threads busy and a 3×3×128×1 depthwise one
 * ~1k: a few SMs of an H100. Splitting positions into slices multiplies the threads; a second
 * pass sums the per-slice partials.
 */

/** Threads wanted in flight: an H100 holds 132 SMs × 2048 = 270k; half of that hides latency well enough. */
export const TARGET_INVOCATIONS = 1 << 17;
/** WebGPU's guaranteed maxComputeWorkgroupsPerDimension. */
export const MAX_WORKGROUPS_PER_DIMENSION = 65535;

export interface ReductionPlan {
  /** Number of slices (workgroups along the slice axis); also the partials' leading dimension. */
  slices: number;
  /** Positions per slice (the last slice may hold fewer). */
  sliceLength: number;
}

/**
 * @param positions N·outH·outW, the length of the reduction
 * @param invocationsPerSlice threads one slice occupies (workgroups per slice × workgroup size)
 * @param minSliceLength a slice shorter than this costs more in partials than it gains
 * @param sliceAlign slice lengths are rounded up to a multiple of this (a kernel's tile depth)
 */
export function planReduction(positions: number, invocationsPerSlice: number, minSliceLength: number, sliceAlign = 1): ReductionPlan {
  if (!Number.isInteger(positions) || positions < 1) throw new Error(`reduction length must be a positive integer, got ${positions}`);
  const wanted = Math.ceil(TARGET_INVOCATIONS / Math.max(1, invocationsPerSlice));
  const most = Math.ceil(positions / Math.max(1, minSliceLength));
  const first = Math.max(1, Math.min(wanted, most, MAX_WORKGROUPS_PER_DIMENSION));
  const sliceLength = Math.ceil(Math.ceil(positions / first) / sliceAlign) * sliceAlign;
  return { slices: Math.ceil(positions / sliceLength), sliceLength };
}
