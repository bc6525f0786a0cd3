import { mulberry32 } from '@fermx/contracts';
import sharp from 'sharp';
import type { FaceBox } from '../faces/fer-framing.js';
import type { RgbImage } from '../faces/photo.js';

/** Where a 48×48 face was pasted: the square it was scaled into, in canvas pixels. */
export interface PastedFace {
  box: FaceBox;
  /** Index of the face in the input list. */
  index: number;
}

export interface FaceCanvasOptions {
  seed: number;
  width?: number;
  height?: number;
  /** Side of a pasted face, in canvas pixels: uniform in [minSide, maxSide] (default 96..256). */
  minSide?: number;
  maxSide?: number;
}

/**
 * A photo-like RGB canvas with 48×48 grey faces (FER2013 rows) upscaled and pasted at seeded
 * random positions and sizes, never overlapping, over a smooth colour gradient with noise: test
 * and bench material for `fermx predict`, where the right crop of every face is known.
 */
export async function composeFaceCanvas(faces: readonly Uint8Array[], options: FaceCanvasOptions): Promise<{ photo: RgbImage; pasted: PastedFace[] }> {
  const random = mulberry32(options.seed);
  const width = options.width ?? 960;
  const height = options.height ?? 720;
  const minSide = options.minSide ?? 96;
  const maxSide = options.maxSide ?? 256;
  const data = new Uint8Array(width * height * 3);
  const from = [random() * 255, random() * 255, random() * 255];
  const to = [random() * 255, random() * 255, random() * 255];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      for (let c = 0; c < 3; c++)
        data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(from[c]! * (1 - t) + to[c]! * t + (random() - 0.5) * 16)));
    }
  }
  const pasted: PastedFace[] = [];
  for (let index = 0; index < faces.length; index++) {
    const side = Math.round(minSide + random() * (maxSide - minSide));
    if (side > width || side > height) throw new Error(`composeFaceCanvas: a ${side} px face does not fit a ${width}×${height} canvas`);
    let box: FaceBox | undefined;
    for (let attempt = 0; attempt < 200 && !box; attempt++) {
      const candidate = { x: Math.floor(random() * (width - side)), y: Math.floor(random() * (height - side)), width: side, height: side };
      const overlaps = pasted.some(
        ({ box: b }) => candidate.x < b.x + b.width && b.x < candidate.x + side && candidate.y < b.y + b.height && b.y < candidate.y + side,
      );
      if (!overlaps) box = candidate;
    }
    if (!box) throw new Error(`composeFaceCanvas: no room for face ${index} on a ${width}×${height} canvas`);
    const scaled = await sharp(faces[index]!, { raw: { width: 48, height: 48, channels: 1 } })
      .resize(side, side, { kernel: 'cubic' })
      .toColourspace('b-w')
      .raw()
      .toBuffer();
    if (scaled.length !== side * side) throw new Error(`composeFaceCanvas: face ${index} resampled to ${scaled.length} bytes, expected ${side * side}`);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const v = scaled[y * side + x]!;
        const at = ((box.y + y) * width + box.x + x) * 3;
        data[at] = v;
        data[at + 1] = v;
        data[at + 2] = v;
      }
    }
    pasted.push({ box, index });
  }
  return { photo: { width, height, data }, pasted };
}

/** Encodes an RGB canvas as a photo file. */
export async function encodePhoto(photo: RgbImage, format: 'jpeg' | 'png' | 'webp'): Promise<Uint8Array> {
  const image = sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } });
  const encoded = format === 'jpeg' ? image.jpeg({ quality: 92 }) : format === 'png' ? image.png() : image.webp({ quality: 92 });
  return new Uint8Array(await encoded.toBuffer());
}
