import sharp from 'sharp';

export interface PreviewSample {
  label: string;
  original: Uint8Array;
  /** Absent for unmasked builds (fer2013 profile): the preview then shows originals only. */
  masked?: Uint8Array;
}

/**
 * `preview.png`: one row per class, each sample as a before/after pair, upscaled so a
 * reviewer can see whether the masks sit right.
 */
export async function renderPreview(samples: readonly PreviewSample[], classes: readonly string[], perClass = 6, scale = 3): Promise<Uint8Array> {
  const tile = 48 * scale;
  const paired = samples.some((s) => s.masked !== undefined);
  const perSample = paired ? 2 : 1;
  const labelWidth = 110;
  const gap = 6;
  const width = labelWidth + perClass * (perSample * tile + gap);
  const height = Math.max(1, classes.length) * (tile + gap) + 24;
  const composites: sharp.OverlayOptions[] = [];
  const texts: string[] = [
    `<text x="${labelWidth}" y="17" font-family="sans-serif" font-size="14" fill="#ddd">${paired ? 'each pair: FER2013 original | FERM masked' : 'FER2013 originals (unmasked)'}</text>`,
  ];
  for (const [row, name] of classes.entries()) {
    const y = 24 + row * (tile + gap);
    texts.push(`<text x="6" y="${y + tile / 2 + 5}" font-family="sans-serif" font-size="15" fill="#fff">${name}</text>`);
    const ofClass = samples.filter((s) => s.label === name).slice(0, perClass);
    for (const [k, sample] of ofClass.entries()) {
      const x = labelWidth + k * (perSample * tile + gap);
      for (const [j, pixels] of (sample.masked ? [sample.original, sample.masked] : [sample.original]).entries()) {
        const input = await sharp(Buffer.from(pixels), { raw: { width: 48, height: 48, channels: 1 } })
          .resize(tile, tile, { kernel: 'lanczos3' })
          .png()
          .toBuffer();
        composites.push({ input, left: x + j * tile, top: y });
      }
    }
  }
  composites.push({
    input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${texts.join('')}</svg>`),
    left: 0,
    top: 0,
  });
  const png = await sharp({ create: { width, height, channels: 3, background: '#202020' } })
    .composite(composites)
    .png()
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
