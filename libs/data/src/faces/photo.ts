import sharp from 'sharp';

/** Interleaved 8-bit RGB pixels, row-major. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A file that is not an image sharp can decode (corrupt, truncated, not a picture). */
export class PhotoError extends Error {
  override readonly name = 'PhotoError';
}

/**
 * Decodes a photo (JPEG, PNG, WebP, or anything else sharp reads) to RGB, turned upright by its
 * EXIF orientation, transparency flattened onto black (sharp's default).
 */
export async function readPhoto(input: string | Uint8Array, name = typeof input === 'string' ? input : 'photo'): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(input, { failOn: 'error' })
      .rotate()
      .flatten()
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    throw new PhotoError(`${name}: not a readable image (${(error as Error).message})`);
  }
}
