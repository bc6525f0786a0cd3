import { describe, expect, it } from 'vitest';
import { crc32c, maskedCrc32c } from './crc32c.js';
import { decodeExample, encodeExample } from './example.js';
import { decodeFermRecord, encodeFermRecord } from './ferm-example.js';
import { CorruptRecordError, frameRecords, readRecords } from './tfrecord.js';

describe('crc32c', () => {
  it('matches the Castagnoli check values', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    // TFRecord masks it: rotate right 15, add 0xa282ead8.
    const c = 0xe3069283;
    expect(maskedCrc32c(new TextEncoder().encode('123456789'))).toBe(((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0);
  });
});

describe('tf.train.Example + TFRecord', () => {
  it('encodes the protobuf wire format by hand', () => {
    // Example{features{feature{key:"a" value{int64_list{value:[1]}}}}}, as protoc would write it.
    expect(Array.from(encodeExample({ a: { int64: [1] } }))).toEqual([0x0a, 0x0c, 0x0a, 0x0a, 0x0a, 0x01, 0x61, 0x12, 0x05, 0x1a, 0x03, 0x0a, 0x01, 0x01]);
  });

  it('round-trips FERM records through framed shards and detects corruption', () => {
    const image = Uint8Array.from({ length: 2304 }, (_, i) => i % 256);
    const records = [0, 1, 2].map((k) =>
      encodeFermRecord({
        image,
        label: k,
        labelName: `c${k}`,
        sourceIndex: 300 + k,
        sourceUsage: 'Training',
        ferplusVotes: [k, 10 - k, 0, 0, 0, 0, 0, 0, 0, 0],
        maskStyle: 'cloth',
      }),
    );
    const shard = frameRecords(records);
    expect(shard.byteLength).toBe(records.reduce((n, r) => n + r.byteLength + 16, 0));
    const back = [...readRecords(shard)].map(decodeFermRecord);
    expect(back.map((r) => [r.label, r.labelName, r.sourceIndex, r.sourceUsage, r.ferplusVotes[1], r.maskStyle])).toEqual([
      [0, 'c0', 300, 'Training', 10, 'cloth'],
      [1, 'c1', 301, 'Training', 9, 'cloth'],
      [2, 'c2', 302, 'Training', 8, 'cloth'],
    ]);
    expect(Array.from(back[2]!.image)).toEqual(Array.from(image));
    expect(decodeExample(records[0]!)['image/height']).toEqual({ int64: [48] });
    const corrupt = shard.slice();
    corrupt[40] = corrupt[40]! ^ 1;
    expect(() => [...readRecords(corrupt, 'x.tfrecord')]).toThrow(CorruptRecordError);
    expect(() => [...readRecords(shard.subarray(0, shard.byteLength - 3))]).toThrow(/truncated/);
  });
});

describe('decodeExample', () => {
  /** Feature{float_list{value: ...}} with each value as its own tagged float32 (unpacked). */
  function unpackedFloatExample(key: string, values: number[]): Uint8Array {
    const floats = values.flatMap((v) => {
      const b = new Uint8Array(5);
      b[0] = 0x0d; // field 1, wire type 5 (32-bit)
      new DataView(b.buffer).setFloat32(1, v, true);
      return Array.from(b);
    });
    const floatList = [0x12, floats.length, ...floats]; // Feature.float_list = 2
    const entry = [0x0a, key.length, ...new TextEncoder().encode(key), 0x12, floatList.length, ...floatList];
    const features = [0x0a, entry.length, ...entry];
    return Uint8Array.from([0x0a, features.length, ...features]);
  }

  it('reads unpacked repeated floats (proto2 writers) as well as packed ones', () => {
    expect(decodeExample(unpackedFloatExample('f', [0.5, -2, 3.25]))).toEqual({ f: { float: [0.5, -2, 3.25] } });
    expect(decodeExample(encodeExample({ f: { float: [0.5, -2, 3.25] } }))).toEqual({ f: { float: [0.5, -2, 3.25] } });
  });

  it('reads unpacked and negative int64 values', () => {
    // Feature{int64_list{value: 7, value: -1}}: two tagged varints, -1 as ten bytes.
    const list = [0x08, 0x07, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    const feature = [0x1a, list.length, ...list];
    const entry = [0x0a, 0x01, 0x6e, 0x12, feature.length, ...feature];
    const example = Uint8Array.from([0x0a, entry.length + 2, 0x0a, entry.length, ...entry]);
    expect(decodeExample(example)).toEqual({ n: { int64: [7, -1] } });
  });

  it('refuses a truncated float instead of dropping it', () => {
    const bytes = unpackedFloatExample('f', [1]);
    expect(() => decodeExample(bytes.subarray(0, bytes.byteLength - 1))).toThrow(/truncated/);
  });
});
