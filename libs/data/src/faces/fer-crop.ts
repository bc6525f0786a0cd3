import { FER_SIDE, type FaceBox } from './fer-framing.js';

/** A single-channel image, row-major, one byte per pixel. */
export interface GreyImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Grey levels from interleaved RGB (`channels` 3) or RGBA (4, alpha ignored; a canvas' ImageData)
 * pixels with ITU-R BT.601 luma weights, the conversion the mask renderer uses. Pure, so the page
 * and `fermx predict` convert alike.
 */
export function greyscale(pixels: ArrayLike<number>, width: number, height: number, channels: 3 | 4): GreyImage {
  if (pixels.length !== width * height * channels) {
    throw new Error(`greyscale: expected ${width}×${height}×${channels} = ${width * height * channels} values, got ${pixels.length}`);
  }
  const data = new Uint8Array(width * height);
  for (let i = 0, at = 0; i < data.length; i++, at += channels) {
    data[i] = Math.round(0.299 * pixels[at]! + 0.587 * pixels[at + 1]! + 0.114 * pixels[at + 2]!);
  }
  return { width, height, data };
}

function bilinear(image: GreyImage, x: number, y: number): number {
  // Pixel centres at integer + 0.5; outside the image the edge pixel repeats.
  const fx = Math.min(Math.max(x - 0.5, 0), image.width - 1);
  const fy = Math.min(Math.max(y - 0.5, 0), image.height - 1);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, image.width - 1);
  const y1 = Math.min(y0 + 1, image.height - 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const row0 = y0 * image.width;
  const row1 = y1 * image.width;
  const top = image.data[row0 + x0]! * (1 - ax) + image.data[row0 + x1]! * ax;
  const bottom = image.data[row1 + x0]! * (1 - ax) + image.data[row1 + x1]! * ax;
  return top * (1 - ay) + bottom * ay;
}

/**
 * Resamples `box` of a grey image to `side`×`side` (48: FER2013's size). Each output pixel is the
 * mean of k×k bilinear samples spread over its footprint (k = the footprint in source pixels,
 * rounded up), so a large face is area-averaged rather than aliased and a small one is
 * interpolated. Outside the image the edge pixels repeat. Pure: the page runs the same code.
 */
export function ferCrop(image: GreyImage, box: FaceBox, side = FER_SIDE): Uint8Array {
  if (!(box.width > 0 && box.height > 0)) throw new Error(`ferCrop: box must have a positive size, got ${box.width}×${box.height}`);
  if (image.data.length !== image.width * image.height)
    throw new Error(`ferCrop: image data has ${image.data.length} bytes for ${image.width}×${image.height}`);
  const stepX = box.width / side;
  const stepY = box.height / side;
  const kx = Math.max(1, Math.ceil(stepX));
  const ky = Math.max(1, Math.ceil(stepY));
  const out = new Uint8Array(side * side);
  for (let oy = 0; oy < side; oy++) {
    for (let ox = 0; ox < side; ox++) {
      let sum = 0;
      for (let j = 0; j < ky; j++) {
        const y = box.y + (oy + (j + 0.5) / ky) * stepY;
        for (let i = 0; i < kx; i++) sum += bilinear(image, box.x + (ox + (i + 0.5) / kx) * stepX, y);
      }
      out[oy * side + ox] = Math.round(sum / (kx * ky));
    }
  }
  return out;
}
