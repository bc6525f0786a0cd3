import { FlatTable } from './flatbuffer-table.js';

// Slots of the TFLite schema (tensorflow/lite/schema/schema.fbs) that fermx reads or writes.
const MODEL = { version: 0, subgraphs: 2, buffers: 4, metadata: 6, fieldCount: 8 } as const;
const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2 } as const;
const TENSOR = { shape: 0, type: 1, name: 3 } as const;
const BUFFER = { data: 0 } as const;
const METADATA = { name: 0, buffer: 1 } as const;
const TENSOR_TYPES = ['float32', 'float16', 'int32', 'uint8', 'int64', 'string', 'bool', 'int16', 'complex64', 'int8'];
const IDENTIFIER = 'TFL3';

export interface TfliteTensorInfo {
  name: string;
  shape: number[];
  type: string;
}

export interface TfliteModelInfo {
  version: number;
  inputs: TfliteTensorInfo[];
  outputs: TfliteTensorInfo[];
  /** The model's named metadata entries (e.g. min_runtime_version, TFLITE_METADATA) and their buffers. */
  metadata: Array<{ name: string; buffer: number; data: Uint8Array }>;
  bufferCount: number;
}

function modelRoot(bytes: Uint8Array, source: string): FlatTable {
  if (bytes.length < 8) throw new Error(`${source}: not a TFLite model (${bytes.length} bytes)`);
  const identifier = String.fromCharCode(...bytes.subarray(4, 8));
  if (identifier !== IDENTIFIER) throw new Error(`${source}: not a TFLite model (file identifier "${identifier}", expected "${IDENTIFIER}")`);
  return FlatTable.root(bytes);
}

/** The main subgraph's inputs and outputs, and the metadata entries of a .tflite file. */
export function readTfliteModel(bytes: Uint8Array, source = 'model'): TfliteModelInfo {
  const model = modelRoot(bytes, source);
  const subgraph = model.tables(MODEL.subgraphs)[0];
  if (!subgraph) throw new Error(`${source}: the model has no subgraph`);
  const tensors = subgraph.tables(SUBGRAPH.tensors);
  const tensor = (index: number): TfliteTensorInfo => {
    const t = tensors[index];
    if (!t) throw new Error(`${source}: tensor index ${index} is out of range (${tensors.length} tensors)`);
    return { name: t.string(TENSOR.name) ?? '', shape: t.int32s(TENSOR.shape), type: TENSOR_TYPES[t.int8(TENSOR.type)] ?? 'unknown' };
  };
  const buffers = model.tables(MODEL.buffers);
  return {
    version: model.uint32(MODEL.version),
    inputs: subgraph.int32s(SUBGRAPH.inputs).map(tensor),
    outputs: subgraph.int32s(SUBGRAPH.outputs).map(tensor),
    metadata: model.tables(MODEL.metadata).map((m) => {
      const buffer = m.uint32(METADATA.buffer);
      return { name: m.string(METADATA.name) ?? '', buffer, data: buffers[buffer]?.bytes(BUFFER.data) ?? new Uint8Array(0) };
    }),
    bufferCount: buffers.length,
  };
}

/** Little-endian writer over a growing byte array, with absolute positions. */
class Writer {
  private bytes = new Uint8Array(1024);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  private ensure(size: number): void {
    if (size <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(size, this.bytes.length * 2));
    grown.set(this.bytes);
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
  align(to: number): void {
    this.ensure(this.length + to);
    while (this.length % to !== 0) this.bytes[this.length++] = 0;
  }
  reserve(size: number): number {
    this.ensure(this.length + size);
    const at = this.length;
    this.length += size;
    return at;
  }
  u16(at: number, v: number): void {
    this.view.setUint16(at, v, true);
  }
  u32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }
  i32(at: number, v: number): void {
    this.view.setInt32(at, v, true);
  }
  raw(at: number, data: Uint8Array): void {
    this.bytes.set(data, at);
  }
  /** A uoffset at `at` pointing forward to `target`. */
  offset(at: number, target: number): void {
    if (target < at) throw new Error('flatbuffer offsets point forward only');
    this.u32(at, target - at);
  }
  /** A vtable for `fieldCount` slots and a table after it; returns the table position and slot positions. */
  table(fieldCount: number, fields: Array<{ slot: number; size: number }>): { pos: number; at: Map<number, number> } {
    this.align(4);
    const vtable = this.reserve(4 + 2 * fieldCount);
    this.align(4);
    const pos = this.reserve(4);
    const at = new Map<number, number>();
    for (const f of fields) {
      this.align(f.size);
      at.set(f.slot, this.reserve(f.size));
    }
    const end = this.length;
    this.u16(vtable, 4 + 2 * fieldCount);
    this.u16(vtable + 2, end - pos);
    for (let s = 0; s < fieldCount; s++) this.u16(vtable + 4 + 2 * s, at.has(s) ? at.get(s)! - pos : 0);
    this.i32(pos, pos - vtable);
    return { pos, at };
  }
  string(value: string): number {
    const encoded = new TextEncoder().encode(value);
    this.align(4);
    const at = this.reserve(4 + encoded.length + 1);
    this.u32(at, encoded.length);
    this.raw(at + 4, encoded);
    return at;
  }
  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** Alignment of the original model inside the new file: keeps every tensor buffer's (force_align 16) alignment. */
const MODEL_ALIGNMENT = 16;

/**
 * Returns a copy of a .tflite model with one more named metadata buffer (e.g. TFLITE_METADATA),
 * replacing an entry of the same name. The original bytes are kept whole: a new root table is
 * written in front of them that re-points at the original tables (flatbuffer offsets are relative
 * and point forward), with the buffers and metadata vectors extended by one entry each.
 * Deterministic: the same inputs give the same bytes.
 */
export function withMetadataBuffer(model: Uint8Array, name: string, data: Uint8Array, source = 'model'): Uint8Array {
  const root = modelRoot(model, source);
  const oldBuffers = root.vector(MODEL.buffers);
  const oldMetadata = root.tables(MODEL.metadata).filter((m) => m.string(METADATA.name) !== name);
  const w = new Writer();
  w.reserve(4);
  w.raw(w.reserve(4), new TextEncoder().encode(IDENTIFIER));
  // The new root: same fields as the old one; buffers and metadata become the new vectors.
  const fields: Array<{ slot: number; size: number }> = [{ slot: MODEL.version, size: 4 }];
  for (let slot = 1; slot < MODEL.fieldCount; slot++) {
    if (root.has(slot) || slot === MODEL.buffers || slot === MODEL.metadata) fields.push({ slot, size: 4 });
  }
  const newRoot = w.table(MODEL.fieldCount, fields);
  w.offset(0, newRoot.pos);
  w.u32(newRoot.at.get(MODEL.version)!, root.uint32(MODEL.version));
  const buffersVector = w.reserve(4 + 4 * (oldBuffers.length + 1));
  w.u32(buffersVector, oldBuffers.length + 1);
  const metadataVector = w.reserve(4 + 4 * (oldMetadata.length + 1));
  w.u32(metadataVector, oldMetadata.length + 1);
  const entry = w.table(2, [
    { slot: METADATA.name, size: 4 },
    { slot: METADATA.buffer, size: 4 },
  ]);
  w.u32(entry.at.get(METADATA.buffer)!, oldBuffers.length);
  w.offset(entry.at.get(METADATA.name)!, w.string(name));
  const buffer = w.table(3, [{ slot: BUFFER.data, size: 4 }]);
  // The data vector's first byte lands on a 16-byte boundary (the schema's force_align: 16).
  w.align(MODEL_ALIGNMENT);
  w.reserve(MODEL_ALIGNMENT - 4);
  const dataVector = w.reserve(4 + data.length);
  w.u32(dataVector, data.length);
  w.raw(dataVector + 4, data);
  w.offset(buffer.at.get(BUFFER.data)!, dataVector);
  w.align(MODEL_ALIGNMENT);
  // The original model follows; `base` moves each of its absolute positions into the new file.
  const base = w.reserve(model.length);
  w.raw(base, model);
  for (let slot = 1; slot < MODEL.fieldCount; slot++) {
    if (slot === MODEL.buffers || slot === MODEL.metadata || !root.has(slot)) continue;
    w.offset(newRoot.at.get(slot)!, base + root.target(slot)!);
  }
  w.offset(newRoot.at.get(MODEL.buffers)!, buffersVector);
  for (let i = 0; i < oldBuffers.length; i++) {
    w.offset(buffersVector + 4 + 4 * i, base + root.bb.__indirect(oldBuffers.start + 4 * i));
  }
  w.offset(buffersVector + 4 + 4 * oldBuffers.length, buffer.pos);
  w.offset(newRoot.at.get(MODEL.metadata)!, metadataVector);
  oldMetadata.forEach((m, i) => w.offset(metadataVector + 4 + 4 * i, base + m.pos));
  w.offset(metadataVector + 4 + 4 * oldMetadata.length, entry.pos);
  return w.result();
}
