import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

const WORKGROUP = 64;

/**
 * Second pass of a split reduction: out[i] = Σ_s partials[s, i] over the leading axis.
 * Neighbouring threads read neighbouring addresses in every slice, so the loads coalesce.
 */
export class PartialSumProgram implements WebGPUProgram {
  readonly variableNames = ['partials'];
  readonly uniforms = 'slices : i32,';
  readonly workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  readonly size = true;
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  shaderKey = 'fermxPartialSum';

  constructor(outputShape: number[]) {
    this.outputShape = outputShape;
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    const size = outputShape.reduce((a, b) => a * b, 1);
    this.dispatch = [Math.ceil(size / WORKGROUP), 1, 1];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          var total = 0.0;
          for (var s = 0; s < uniforms.slices; s++) {
            total += partials[s * uniforms.size + index];
          }
          setOutputAtIndex(index, total);
        }
      }
    `;
  }
}
