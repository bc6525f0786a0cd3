import sharp from 'sharp';
import type { FaceBox } from './fer-framing.js';

/** One face to draw: the detector's box (solid), the FER crop (dashed) and a label. */
export interface FaceAnnotation {
  box: FaceBox;
  crop?: FaceBox;
  label: string;
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The SVG drawn over a width×height photo. */
export function annotationSvg(width: number, height: number, faces: readonly FaceAnnotation[]): string {
  const stroke = Math.max(2, Math.round(Math.min(width, height) / 300));
  const items = faces.map(({ box, crop, label }) => {
    const size = Math.max(14, Math.round(box.width / 6));
    const labelY = box.y > size + 4 ? box.y - 4 : box.y + box.height + size;
    const cropRect = crop
      ? `<rect x="${crop.x}" y="${crop.y}" width="${crop.width}" height="${crop.height}" fill="none" stroke="#ffd400" stroke-width="${Math.max(1, stroke >> 1)}" stroke-dasharray="${stroke * 3} ${stroke * 2}"/>`
      : '';
    return (
      cropRect +
      `<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" fill="none" stroke="#00e676" stroke-width="${stroke}"/>` +
      `<text x="${box.x}" y="${labelY}" font-family="DejaVu Sans, sans-serif" font-size="${size}" font-weight="bold" fill="#00e676" stroke="#000" stroke-width="${Math.max(1, Math.round(size / 10))}" paint-order="stroke">${escapeXml(label)}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${items.join('')}</svg>`;
}

/** Writes the photo (turned upright by EXIF, as predict saw it) with its faces drawn on, to `outPath` (format from its extension). */
export async function writeAnnotatedPhoto(photo: string | Uint8Array, faces: readonly FaceAnnotation[], outPath: string): Promise<void> {
  const { data, info } = await sharp(photo).rotate().toBuffer({ resolveWithObject: true });
  await sharp(data)
    .composite([{ input: Buffer.from(annotationSvg(info.width, info.height, faces)), top: 0, left: 0 }])
    .toFile(outPath);
}
