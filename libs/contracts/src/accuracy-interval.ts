/**
 * 95 % Wilson score interval of an accuracy measured on `count` images (Wilson 1927). Small
 * evaluation sets make this matter: on FERM val (384 images) one image is 0.26 points and the
 * interval around 85 % is about ±3.6 points. Returns [low, high] in [0, 1]; [0, 1] for no images.
 */
export function accuracyInterval(accuracy: number, count: number, z = 1.959964): [number, number] {
  if (!(count > 0)) return [0, 1];
  const p = Math.min(1, Math.max(0, accuracy));
  const z2 = z * z;
  const centre = (p + z2 / (2 * count)) / (1 + z2 / count);
  const half = (z * Math.sqrt((p * (1 - p)) / count + z2 / (4 * count * count))) / (1 + z2 / count);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
