// Canvas drawing for the Try-it page: the frame with face boxes, the 48×48 crop the model sees,
// and the occlusion-sensitivity heat map over it.
import { metricColour } from '../lib/charts.js';

const SIDE = 48;

/** The frame, each face's FER box and its top class. */
export function drawFrame(canvas, source, width, height, faces) {
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d');
  g.drawImage(source, 0, 0, width, height);
  const line = Math.max(2, Math.round(width / 320));
  g.lineWidth = line;
  g.font = `${Math.max(12, Math.round(width / 40))}px system-ui, sans-serif`;
  g.textBaseline = 'bottom';
  faces.forEach((face, i) => {
    const b = face.box;
    g.strokeStyle = '#ffd400';
    g.strokeRect(b.x, b.y, b.width, b.height);
    const text = `${i + 1}: ${face.label} ${(face.probabilities[face.top] * 100).toFixed(0)} %`;
    const w = g.measureText(text).width + 2 * line;
    const h = parseInt(g.font, 10) + line;
    g.fillStyle = '#ffd400';
    g.fillRect(b.x - line / 2, b.y - h, w, h);
    g.fillStyle = '#000';
    g.fillText(text, b.x + line, b.y - line / 2);
  });
}

/** A 48×48 grey crop into a canvas (drawn 48×48; CSS scales it up pixelated). */
export function drawCrop(canvas, pixels) {
  canvas.width = SIDE;
  canvas.height = SIDE;
  const g = canvas.getContext('2d');
  const image = g.createImageData(SIDE, SIDE);
  for (let i = 0; i < pixels.length; i++) {
    image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = pixels[i];
    image.data[4 * i + 3] = 255;
  }
  g.putImageData(image, 0, 0);
}

/**
 * The crop with the occlusion map over it: each pixel coloured by the mean probability drop of
 * the patch positions that cover it (viridis, 0 → the largest drop), at 60 % opacity.
 */
export function drawOcclusion(canvas, pixels, map) {
  drawCrop(canvas, pixels);
  const sum = new Float32Array(SIDE * SIDE);
  const count = new Float32Array(SIDE * SIDE);
  map.drops.forEach((drop, i) => {
    const x0 = (i % map.cols) * map.stride;
    const y0 = Math.floor(i / map.cols) * map.stride;
    for (let y = y0; y < y0 + map.patch; y++) {
      for (let x = x0; x < x0 + map.patch; x++) {
        sum[y * SIDE + x] += drop;
        count[y * SIDE + x] += 1;
      }
    }
  });
  const mean = Array.from(sum, (s, i) => (count[i] ? s / count[i] : 0));
  const max = Math.max(1e-6, ...mean);
  const g = canvas.getContext('2d');
  const image = g.getImageData(0, 0, SIDE, SIDE);
  mean.forEach((m, i) => {
    const [r, gr, b] = rgb(metricColour(Math.max(0, m) / max));
    image.data[4 * i] = Math.round(0.4 * image.data[4 * i] + 0.6 * r);
    image.data[4 * i + 1] = Math.round(0.4 * image.data[4 * i + 1] + 0.6 * gr);
    image.data[4 * i + 2] = Math.round(0.4 * image.data[4 * i + 2] + 0.6 * b);
  });
  g.putImageData(image, 0, 0);
  return { max, mean };
}

function rgb(hex) {
  return [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
}

/** Base64 of a crop's 2,304 bytes (data-pixels on the crop canvas: what the model saw, for tests and bug reports). */
export function base64(pixels) {
  let s = '';
  for (const v of pixels) s += String.fromCharCode(v);
  return btoa(s);
}
