/**
 * One training checkpoint as one binary blob:
 *
 *   bytes 0..3   "FXCK" magic
 *   bytes 4..7   uint32 LE format version (1)
 *   bytes 8..11  uint32 LE header length H (bytes of UTF-8 JSON)
 *   bytes 12..   header JSON, then zero padding to a multiple of 4
 *   then         float32 LE payloads, back to back, in header.tensors order
 *
 * The header says what each payload is (`role`, `name`, `shape`), so a reader can check it
 * against the model before restoring anything.
 */
export const CHECKPOINT_MAGIC = 'FXCK';
export const CHECKPOINT_VERSION = 1;

export interface CheckpointTensor {
  role: 'weight' | 'adam-m' | 'adam-v';
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
  const total = payloadStart + payloads.reduce((sum, p) => sum + p.length * 4, 0);
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
  return out;
}

export function decodeCheckpoint<H extends CheckpointHeader = CheckpointHeader>(bytes: Uint8Array): Checkpoint<H> {
  if (bytes.length < 12) throw new Error(`checkpoint is ${bytes.length} bytes, too short for a header`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== CHECKPOINT_MAGIC) throw new Error(`not a fermx checkpoint (magic "${magic}", expected "${CHECKPOINT_MAGIC}")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== CHECKPOINT_VERSION) throw new Error(`checkpoint format version ${version} is not supported (expected ${CHECKPOINT_VERSION})`);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new Error(`checkpoint header length ${headerLength} runs past the end (${bytes.length} bytes)`);
  let header: H;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as H;
  } catch (error) {
    throw new Error(`checkpoint header is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(header.tensors)) throw new Error('checkpoint header has no tensors list');
  let offset = Math.ceil((12 + headerLength) / 4) * 4;
  const payloads = header.tensors.map((t) => {
    const count = elements(t.shape);
    if (offset + count * 4 > bytes.length) throw new Error(`checkpoint is truncated: tensor ${t.name} needs ${count * 4} bytes at offset ${offset}, blob has ${bytes.length}`);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++, offset += 4) values[i] = view.getFloat32(offset, true);
    return values;
  });
  if (offset !== bytes.length) throw new Error(`checkpoint has ${bytes.length - offset} trailing bytes after the last tensor`);
  return { header, payloads };
}
