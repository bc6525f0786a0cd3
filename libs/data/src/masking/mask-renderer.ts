import sharp from 'sharp';
import type { Landmarks68 } from '../landmarks/landmark-detector.js';
import { maskSvg } from './mask-shape.js';
import type { MaskSpec } from './mask-style.js';

const SIDE = 48;

/**
 * Draws masks onto 48×48 grey faces. All masks of a batch are rasterised in ONE sharp/librsvg
 * call (a grid of tiles, each clipped to its own square) at `supersample`× resolution; each
 * tile is then box-filtered down to 48×48 with premultiplied alpha and blended over its face.
 */
export async function drawMasks(
  faces: readonly Uint8Array[],
  landmarks: readonly Landmarks68[],
  specs: readonly MaskSpec[],
  supersample = 3,
): Promise<Uint8Array[]> {
  const n = faces.length;
  if (n === 0) return [];
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const tile = SIDE * supersample;
  const groups: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = (i % cols) * tile;
    const y = Math.floor(i / cols) * tile;
    groups.push(
      `<clipPath id="c${i}"><rect x="0" y="0" width="${SIDE}" height="${SIDE}"/></clipPath>` +
        `<g transform="translate(${x} ${y}) scale(${supersample})" clip-path="url(#c${i})">${maskSvg(landmarks[i]!, specs[i]!, String(i))}</g>`,
    );
  }
  const width = cols * tile;
  const height = rows * tile;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${groups.join('')}</svg>`;
  const { data } = await sharp(Buffer.from(svg), { density: 72 }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const out: Uint8Array[] = [];
  const area = supersample * supersample;
  for (let i = 0; i < n; i++) {
    const face = faces[i]!;
    const masked = new Uint8Array(SIDE * SIDE);
    const ox = (i % cols) * tile;
    const oy = Math.floor(i / cols) * tile;
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        let alpha = 0;
        let grey = 0;
        for (let dy = 0; dy < supersample; dy++) {
          let at = ((oy + y * supersample + dy) * width + ox + x * supersample) * 4;
          for (let dx = 0; dx < supersample; dx++, at += 4) {
            const a = data[at + 3]! / 255;
            alpha += a;
            grey += a * (0.299 * data[at]! + 0.587 * data[at + 1]! + 0.114 * data[at + 2]!);
          }
        }
        alpha /= area;
        grey /= area;
        const p = y * SIDE + x;
        masked[p] = Math.round(face[p]! * (1 - alpha) + grey);
      }
    }
    out.push(masked);
  }
  return out;
}
