/**
 * Variance of the 4-neighbour Laplacian over the interior of a grey image: low means few
 * edges, i.e. blurry (the usual "variance of the Laplacian" focus measure).
 */
export function laplacianVariance(pixels: Uint8Array, width = 48, height = 48): number {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const v = pixels[i - 1]! + pixels[i + 1]! + pixels[i - width]! + pixels[i + width]! - 4 * pixels[i]!;
      sum += v;
      sumSq += v * v;
      n++;
    }
  }
  const m = sum / n;
  return sumSq / n - m * m;
}
