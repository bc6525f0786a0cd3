import type { FaceGeometry } from '../landmarks/face-geometry.js';
import type { MaskStyle } from '../masking/mask-style.js';
import type { ProcessedFace } from './face-processor.js';

const MAGIC = 'FERMPART1\n';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A build part: the face stage's output for one chunk of source rows, cached in storage so an
 * interrupted build resumes and a rebuild with other thresholds or caps skips the landmark net.
 * Layout: magic, u32 JSON length, JSON (per-face metadata), masked images, landmarks (float32).
 */
export function encodePart(faces: readonly ProcessedFace[]): Uint8Array {
  const meta = encoder.encode(JSON.stringify(faces.map((f) => ({ i: f.index, g: f.geometry, b: f.blur, s: f.style }))));
  const n = faces.length;
  const head = encoder.encode(MAGIC);
  const out = new Uint8Array(head.length + 4 + meta.length + n * 2304 + n * 136 * 4);
  out.set(head, 0);
  new DataView(out.buffer).setUint32(head.length, meta.length, true);
  let at = head.length + 4;
  out.set(meta, at);
  at += meta.length;
  for (const f of faces) {
    out.set(f.masked, at);
    at += 2304;
  }
  for (const f of faces) {
    out.set(new Uint8Array(f.landmarks.buffer, f.landmarks.byteOffset, 136 * 4), at);
    at += 136 * 4;
  }
  return out;
}

export function decodePart(bytes: Uint8Array): ProcessedFace[] {
  const head = encoder.encode(MAGIC);
  if (decoder.decode(bytes.subarray(0, head.length)) !== MAGIC) throw new Error('build part: bad magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const metaLength = view.getUint32(head.length, true);
  let at = head.length + 4;
  const meta = JSON.parse(decoder.decode(bytes.subarray(at, at + metaLength))) as Array<{ i: number; g: FaceGeometry; b: number; s: MaskStyle }>;
  at += metaLength;
  const n = meta.length;
  const landmarkStart = at + n * 2304;
  return meta.map((m, k) => ({
    index: m.i,
    geometry: m.g,
    blur: m.b,
    style: m.s,
    masked: bytes.slice(at + k * 2304, at + (k + 1) * 2304),
    landmarks: new Float32Array(bytes.slice(landmarkStart + k * 544, landmarkStart + (k + 1) * 544).buffer),
  }));
}
