import { ByteBuffer } from 'flatbuffers';

/**
 * Read access to one table of a flatbuffer by field slot (0-based, in schema order), without
 * generated code: the TFLite model and metadata schemas are read here field by field.
 */
export class FlatTable {
  constructor(
    readonly bb: ByteBuffer,
    /** Absolute position of the table in the buffer. */
    readonly pos: number,
  ) {}

  /** The table a buffer's root offset points at. */
  static root(bytes: Uint8Array): FlatTable {
    const bb = new ByteBuffer(bytes);
    return new FlatTable(bb, bb.readUint32(0));
  }

  /** Offset of field `slot` from the table start, 0 when the field is absent. */
  fieldOffset(slot: number): number {
    return this.bb.__offset(this.pos, 4 + 2 * slot);
  }

  has(slot: number): boolean {
    return this.fieldOffset(slot) !== 0;
  }

  /** Absolute position an offset field points at, or undefined when absent. */
  target(slot: number): number | undefined {
    const o = this.fieldOffset(slot);
    return o === 0 ? undefined : this.bb.__indirect(this.pos + o);
  }

  table(slot: number): FlatTable | undefined {
    const at = this.target(slot);
    return at === undefined ? undefined : new FlatTable(this.bb, at);
  }

  string(slot: number): string | undefined {
    const o = this.fieldOffset(slot);
    return o === 0 ? undefined : (this.bb.__string(this.pos + o) as string);
  }

  uint8(slot: number, fallback = 0): number {
    const o = this.fieldOffset(slot);
    return o === 0 ? fallback : this.bb.readUint8(this.pos + o);
  }

  int8(slot: number, fallback = 0): number {
    const o = this.fieldOffset(slot);
    return o === 0 ? fallback : this.bb.readInt8(this.pos + o);
  }

  uint32(slot: number, fallback = 0): number {
    const o = this.fieldOffset(slot);
    return o === 0 ? fallback : this.bb.readUint32(this.pos + o);
  }

  /** Start (absolute position of element 0) and length of a vector field; length 0 when absent. */
  vector(slot: number): { start: number; length: number } {
    const o = this.fieldOffset(slot);
    if (o === 0) return { start: 0, length: 0 };
    return { start: this.bb.__vector(this.pos + o), length: this.bb.__vector_len(this.pos + o) };
  }

  tables(slot: number): FlatTable[] {
    const { start, length } = this.vector(slot);
    return Array.from({ length }, (_, i) => new FlatTable(this.bb, this.bb.__indirect(start + 4 * i)));
  }

  strings(slot: number): string[] {
    const { start, length } = this.vector(slot);
    return Array.from({ length }, (_, i) => this.bb.__string(start + 4 * i) as string);
  }

  int32s(slot: number): number[] {
    const { start, length } = this.vector(slot);
    return Array.from({ length }, (_, i) => this.bb.readInt32(start + 4 * i));
  }

  float32s(slot: number): number[] {
    const { start, length } = this.vector(slot);
    return Array.from({ length }, (_, i) => this.bb.readFloat32(start + 4 * i));
  }

  bytes(slot: number): Uint8Array {
    const { start, length } = this.vector(slot);
    return this.bb.bytes().subarray(start, start + length);
  }
}
