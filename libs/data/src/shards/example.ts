/**
 * `tf.train.Example` protobuf, encoded and decoded by hand (no protobuf dependency for five
 * message types). Example{features=1} → Features{map<string,Feature> feature=1} →
 * Feature{bytes_list=1 | float_list=2 | int64_list=3}, lists hold `repeated value = 1`.
 * Writing packs floats and int64s (as TensorFlow does); reading accepts packed and unpacked
 * repeated scalars, as every protobuf parser must. libs/data/src/testing/tf-example/ checks the
 * shards against Google's protobuf runtime (docs/DATASET.md, on shards).
 */
export type FeatureValue = { bytes: Uint8Array[] } | { int64: number[] } | { float: number[] };
export type Features = Record<string, FeatureValue>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

class Writer {
  private chunks: Uint8Array[] = [];
  private size = 0;

  varint(value: number): this {
    // int64 values here are small non-negative integers (labels, indexes, votes).
    const bytes: number[] = [];
    let v = value;
    while (v > 0x7f) {
      bytes.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    return this.raw(Uint8Array.from(bytes));
  }

  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }

  lengthDelimited(field: number, bytes: Uint8Array): this {
    return this.tag(field, 2).varint(bytes.byteLength).raw(bytes);
  }

  raw(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.size += bytes.byteLength;
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.byteLength;
    }
    return out;
  }
}

function encodeFeature(value: FeatureValue): Uint8Array {
  const list = new Writer();
  if ('bytes' in value) {
    for (const b of value.bytes) list.lengthDelimited(1, b);
    return new Writer().lengthDelimited(1, list.finish()).finish();
  }
  if ('int64' in value) {
    const packed = new Writer();
    for (const v of value.int64) {
      if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`int64 feature value ${v}: only non-negative integers are written`);
      packed.varint(v);
    }
    list.lengthDelimited(1, packed.finish());
    return new Writer().lengthDelimited(3, list.finish()).finish();
  }
  const floats = new Uint8Array(value.float.length * 4);
  const view = new DataView(floats.buffer);
  value.float.forEach((f, i) => view.setFloat32(i * 4, f, true));
  list.lengthDelimited(1, floats);
  return new Writer().lengthDelimited(2, list.finish()).finish();
}

export function encodeExample(features: Features): Uint8Array {
  const map = new Writer();
  // Sorted keys: the same features always encode to the same bytes (stable shard sha256).
  for (const key of Object.keys(features).sort()) {
    const entry = new Writer().lengthDelimited(1, encoder.encode(key)).lengthDelimited(2, encodeFeature(features[key]!)).finish();
    map.lengthDelimited(1, entry);
  }
  return new Writer().lengthDelimited(1, map.finish()).finish();
}

class Reader {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.at >= this.bytes.byteLength;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.at >= this.bytes.byteLength) throw new Error('protobuf: truncated varint');
      const b = this.bytes[this.at++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
  }

  /** An int64 varint: up to 10 bytes, negative values in two's complement. */
  int64(): number {
    const start = this.at;
    const fast = this.varint();
    if (fast <= Number.MAX_SAFE_INTEGER) return fast;
    // Large or negative: exact arithmetic (labels and votes never get here).
    this.at = start;
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.at >= this.bytes.byteLength) throw new Error('protobuf: truncated varint');
      const b = this.bytes[this.at++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return Number(BigInt.asIntN(64, result));
      shift += 7n;
      if (shift > 63n) throw new Error('protobuf: varint longer than 10 bytes');
    }
  }

  /** A little-endian float32 (wire type 5). */
  float32(): number {
    if (this.at + 4 > this.bytes.byteLength) throw new Error('protobuf: truncated float');
    const value = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.at, 4).getFloat32(0, true);
    this.at += 4;
    return value;
  }

  field(): { field: number; wire: number } {
    const tag = this.varint();
    return { field: Math.floor(tag / 8), wire: tag & 7 };
  }

  bytesField(): Uint8Array {
    const length = this.varint();
    const out = this.bytes.subarray(this.at, this.at + length);
    if (out.byteLength !== length) throw new Error('protobuf: truncated field');
    this.at += length;
    return out;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.advance(8);
    else if (wire === 2) this.bytesField();
    else if (wire === 5) this.advance(4);
    else throw new Error(`protobuf: unsupported wire type ${wire}`);
  }

  private advance(n: number): void {
    if (this.at + n > this.bytes.byteLength) throw new Error('protobuf: truncated field');
    this.at += n;
  }
}

function decodeFeature(bytes: Uint8Array): FeatureValue {
  const r = new Reader(bytes);
  let value: FeatureValue = { bytes: [] };
  while (!r.done) {
    const { field, wire } = r.field();
    if (wire !== 2) {
      r.skip(wire);
      continue;
    }
    const list = new Reader(r.bytesField());
    if (field === 1) {
      const out: Uint8Array[] = [];
      while (!list.done) {
        const f = list.field();
        if (f.field === 1 && f.wire === 2) out.push(list.bytesField());
        else list.skip(f.wire);
      }
      value = { bytes: out };
    } else if (field === 3) {
      const out: number[] = [];
      while (!list.done) {
        const f = list.field();
        if (f.field === 1 && f.wire === 2) {
          const packed = new Reader(list.bytesField());
          while (!packed.done) out.push(packed.int64());
        } else if (f.field === 1 && f.wire === 0) out.push(list.int64());
        else list.skip(f.wire);
      }
      value = { int64: out };
    } else if (field === 2) {
      const out: number[] = [];
      while (!list.done) {
        const f = list.field();
        if (f.field === 1 && f.wire === 2) {
          // Packed: one length-delimited run of float32s.
          const packed = new Reader(list.bytesField());
          if (packed.bytes.byteLength % 4 !== 0) throw new Error(`protobuf: packed float list of ${packed.bytes.byteLength} bytes`);
          while (!packed.done) out.push(packed.float32());
        } else if (f.field === 1 && f.wire === 5) {
          // Unpacked: one tagged float32 per value (proto2 writers, older TensorFlow).
          out.push(list.float32());
        } else list.skip(f.wire);
      }
      value = { float: out };
    }
  }
  return value;
}

export function decodeExample(bytes: Uint8Array): Features {
  const features: Features = {};
  const r = new Reader(bytes);
  while (!r.done) {
    const { field, wire } = r.field();
    if (field !== 1 || wire !== 2) {
      r.skip(wire);
      continue;
    }
    const map = new Reader(r.bytesField());
    while (!map.done) {
      const f = map.field();
      if (f.field !== 1 || f.wire !== 2) {
        map.skip(f.wire);
        continue;
      }
      const entry = new Reader(map.bytesField());
      let key = '';
      let value: FeatureValue = { bytes: [] };
      while (!entry.done) {
        const e = entry.field();
        if (e.field === 1 && e.wire === 2) key = decoder.decode(entry.bytesField());
        else if (e.field === 2 && e.wire === 2) value = decodeFeature(entry.bytesField());
        else entry.skip(e.wire);
      }
      features[key] = value;
    }
  }
  return features;
}
