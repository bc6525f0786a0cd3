import { FER2013_EMOTIONS, IMAGE_PIXELS, USAGES, type Emotion, type Usage } from './emotions.js';
import type { RowIssueKind } from './row-issue.js';

/** One valid FER2013 row: 48×48 grey pixels, row-major. */
export interface Fer2013Row {
  /** 0-based row index in the source (header excluded), the join key for FER+. */
  index: number;
  line: number;
  emotion: Emotion;
  usage: Usage;
  pixels: Uint8Array;
}

/** Column positions from the header; Kaggle's train.csv has no Usage column. */
export interface Fer2013Header {
  emotion: number;
  pixels: number;
  usage: number | undefined;
  fields: number;
}

export class NotFer2013Error extends Error {
  override readonly name = 'NotFer2013Error';
}

export function parseHeader(line: string, file: string): Fer2013Header {
  const names = line
    .replace(/^\uFEFF/, '')
    .trim()
    .split(',')
    .map((n) => n.trim().toLowerCase());
  const emotion = names.indexOf('emotion');
  const pixels = names.indexOf('pixels');
  const usage = names.indexOf('usage');
  if (emotion < 0 || pixels < 0) {
    const shown = line.length > 80 ? `${line.slice(0, 80)}…` : line;
    throw new NotFer2013Error(`${file} is not a FER2013 CSV: its header is "${shown.replace(/[^\x20-\x7e…]/g, '?')}", expected "emotion,pixels,Usage"`);
  }
  return { emotion, pixels, usage: usage < 0 ? undefined : usage, fields: names.length };
}

export type RowParse = { ok: true; row: Fer2013Row } | { ok: false; kind: RowIssueKind; message: string };

/** Parses one data line; pixels are decoded by hand (2,304 numbers per row, 32k rows). */
export function parseRow(line: string, header: Fer2013Header, index: number, lineNumber: number): RowParse {
  const fields = line.trim().split(',');
  if (fields.length !== header.fields) {
    return { ok: false, kind: 'field-count', message: `expected ${header.fields} comma-separated fields, got ${fields.length}` };
  }
  const emotionText = (fields[header.emotion] ?? '').trim();
  const code = /^\d+$/.test(emotionText) ? Number(emotionText) : -1;
  const emotion = FER2013_EMOTIONS[code];
  if (emotion === undefined) {
    return { ok: false, kind: 'unknown-emotion', message: `unknown emotion "${emotionText}" (expected 0..6)` };
  }
  const usageText = header.usage === undefined ? 'Training' : (fields[header.usage] ?? '').trim();
  if (!(USAGES as readonly string[]).includes(usageText)) {
    return { ok: false, kind: 'unknown-usage', message: `unknown Usage "${usageText}" (expected ${USAGES.join(', ')})` };
  }
  const decoded = decodePixels(fields[header.pixels] ?? '');
  if (typeof decoded === 'string') return { ok: false, kind: decoded.startsWith('expected') ? 'pixel-count' : 'pixel-value', message: decoded };
  return { ok: true, row: { index, line: lineNumber, emotion, usage: usageText as Usage, pixels: decoded } };
}

/** 2,304 space-separated integers 0..255, or a message saying what is wrong. */
export function decodePixels(text: string): Uint8Array | string {
  const pixels = new Uint8Array(IMAGE_PIXELS);
  let count = 0;
  let value = -1;
  let bad: string | undefined;
  const end = text.length;
  for (let i = 0; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : 32;
    if (c >= 48 && c <= 57) {
      value = value < 0 ? c - 48 : value * 10 + (c - 48);
      if (value > 99999) value = 99999;
    } else if (c === 32 || c === 9) {
      if (value >= 0) {
        if (value > 255 && bad === undefined) bad = `pixel ${count + 1} is ${value}: outside 0..255`;
        if (count < IMAGE_PIXELS) pixels[count] = value;
        count++;
        value = -1;
      }
    } else {
      if (bad === undefined) bad = `pixel ${count + 1} is not an integer ("${text.slice(i, i + 8).split(' ')[0]}")`;
      // Skip to the end of this token so the count stays meaningful.
      while (i + 1 < end && text.charCodeAt(i + 1) !== 32) i++;
      value = -1;
      count++;
    }
  }
  if (count !== IMAGE_PIXELS) return `expected ${IMAGE_PIXELS} pixels, got ${count}`;
  return bad ?? pixels;
}
