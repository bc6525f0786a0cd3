import { normal } from './seeded.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Standard normal CDF via erf (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** log density at x of N(mu, sigma²) truncated to [low, high]. */
export function truncatedNormalLogPdf(x: number, mu: number, sigma: number, low: number, high: number): number {
  const z = (x - mu) / sigma;
  const mass = Math.max(normalCdf((high - mu) / sigma) - normalCdf((low - mu) / sigma), 1e-12);
  return -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma) - Math.log(mass);
}

/** A draw of N(mu, sigma²) truncated to [low, high] (rejection; clipped after 100 misses). */
export function sampleTruncatedNormal(random: () => number, mu: number, sigma: number, low: number, high: number): number {
  for (let i = 0; i < 100; i++) {
    const x = mu + sigma * normal(random);
    if (x >= low && x <= high) return x;
  }
  return Math.min(high, Math.max(low, mu));
}
