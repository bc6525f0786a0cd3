import { createHash } from 'node:crypto';

/**
 * One training checkpoint as one binary blob (format version 2):
 *
 *   bytes 0..3   "FXCK" magic
 *   bytes 4..7   uint32 LE format version (2)
 *   bytes 8..11  uint32 LE header length H (bytes of UTF-8 JSON)
 *   bytes 12..   header JSON, then zero padding to a multiple of 4
 *   then         float32 LE payloads, back to back, in header.tensors order
 *   last 32      sha256 of every byte before it
 *
 * The header says what each payload is (`role`, `name`, `shape`), so a reader can check it
 * against the model before restoring anything; the trailing sha256 catches a flipped or lost
 * byte anywhere (verifyCheckpoint, also run by decodeCheckpoint). Version 1 (no trailer) is
 * still read, unverified.
 */
export const CHECKPOINT_MAGIC = 'FXCK';
export const CHECKPOINT_VERSION = 2;
const CHECKSUM_BYTES = 32;

/** The bytes are not an intact checkpoint: wrong magic, unknown version, checksum mismatch. */
export class CheckpointCorruptError extends Error {
  override readonly name = 'CheckpointCorruptError';
}

/** What verifyCheckpoint found: the format version and whether a checksum vouched for the bytes. */
export interface CheckpointCheck {
  version: number;
  /** `none`: a version-1 checkpoint, written before checksums; it could not be verified. */
  checksum: 'sha256' | 'none';
}

export interface CheckpointTensor {
  /** weight: the model; adam-*, sgd-*: optimizer slots; ema: the weight average; best: the best epoch's weights. */
  role: 'weight' | 'adam-m' | 'adam-v' | 'sgd-momentum' | 'ema' | 'best';
  name: string;
  shape: number[];
}

export interface CheckpointHeader {
  tensors: CheckpointTensor[];
  [key: string]: unknown;
}

export interface Checkpoint<H extends CheckpointHeader = CheckpointHeader> {
  header: H;
  payloads: Float32Array[];
}

const elements = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const { header, payloads } = checkpoint;
  if (header.tensors.length !== payloads.length) {
    throw new Error(`checkpoint header lists ${header.tensors.length} tensors but ${payloads.length} payloads were given`);
  }
  header.tensors.forEach((t, i) => {
    if (elements(t.shape) !== payloads[i]!.length) throw new Error(`checkpoint tensor ${t.name} has shape [${t.shape}] but ${payloads[i]!.length} values`);
  });
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerEnd = 12 + json.length;
  const payloadStart = Math.ceil(headerEnd / 4) * 4;
  const body = payloadStart + payloads.reduce((sum, p) => sum + p.length * 4, 0);
  const total = body + CHECKSUM_BYTES;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(CHECKPOINT_MAGIC), 0);
  view.setUint32(4, CHECKPOINT_VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  let offset = payloadStart;
  for (const payload of payloads) {
    for (let i = 0; i < payload.length; i++, offset += 4) view.setFloat32(offset, payload[i]!, true);
  }
  out.set(sha256(out.subarray(0, body)), body);
  return out;
}

/**
 * Checks that `bytes` are an intact checkpoint without decoding its tensors (cheap: one hash).
 * Throws CheckpointCorruptError naming what is wrong.
 */
export function verifyCheckpoint(bytes: Uint8Array): CheckpointCheck {
  if (bytes.length < 12) throw new CheckpointCorruptError(`checkpoint is ${bytes.length} bytes, too short for a header (truncated)`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== CHECKPOINT_MAGIC) throw new CheckpointCorruptError(`not a fermx checkpoint (magic "${magic}", expected "${CHECKPOINT_MAGIC}")`);
  const version = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (version === 1) return { version, checksum: 'none' };
  if (version !== CHECKPOINT_VERSION) throw new CheckpointCorruptError(`checkpoint format version ${version} is not supported (expected ${CHECKPOINT_VERSION} or 1)`);
  if (bytes.length < 12 + CHECKSUM_BYTES) throw new CheckpointCorruptError(`checkpoint is ${bytes.length} bytes, too short for its checksum (truncated)`);
  const body = bytes.length - CHECKSUM_BYTES;
  const actual = sha256(bytes.subarray(0, body));
  const expected = bytes.subarray(body);
  if (!actual.every((b, i) => b === expected[i])) {
    throw new CheckpointCorruptError(`checkpoint checksum mismatch: the ${bytes.length} bytes are corrupt or truncated (sha256 ${hex(actual)}, trailer says ${hex(expected)})`);
  }
  return { version, checksum: 'sha256' };
}

/** Verifies (verifyCheckpoint) and decodes a checkpoint; a corrupt one throws CheckpointCorruptError. */
export function decodeCheckpoint<H extends CheckpointHeader = CheckpointHeader>(blob: Uint8Array): Checkpoint<H> {
  const { checksum } = verifyCheckpoint(blob);
  const bytes = checksum === 'sha256' ? blob.subarray(0, blob.length - CHECKSUM_BYTES) : blob;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new CheckpointCorruptError(`checkpoint header length ${headerLength} runs past the end (${bytes.length} bytes)`);
  let header: H;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as H;
  } catch (error) {
    throw new CheckpointCorruptError(`checkpoint header is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(header.tensors)) throw new CheckpointCorruptError('checkpoint header has no tensors list');
  let offset = Math.ceil((12 + headerLength) / 4) * 4;
  const payloads = header.tensors.map((t) => {
    const count = elements(t.shape);
    if (offset + count * 4 > bytes.length) throw new CheckpointCorruptError(`checkpoint is truncated: tensor ${t.name} needs ${count * 4} bytes at offset ${offset}, blob has ${bytes.length}`);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++, offset += 4) values[i] = view.getFloat32(offset, true);
    return values;
  });
  if (offset !== bytes.length) throw new CheckpointCorruptError(`checkpoint has ${bytes.length - offset} trailing bytes after the last tensor`);
  return { header, payloads };
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').slice(0, 16) + '…';
