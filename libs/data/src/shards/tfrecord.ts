import { maskedCrc32c } from './crc32c.js';

/**
 * TFRecord framing: uint64 length (LE), masked CRC32C of the length bytes, the data, masked
 * CRC32C of the data. Readable by `tf.data.TFRecordDataset`.
 */
export function frameRecords(records: readonly Uint8Array[]): Uint8Array {
  const total = records.reduce((sum, r) => sum + r.byteLength + 16, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const record of records) {
    view.setBigUint64(at, BigInt(record.byteLength), true);
    view.setUint32(at + 8, maskedCrc32c(out.subarray(at, at + 8)), true);
    out.set(record, at + 12);
    view.setUint32(at + 12 + record.byteLength, maskedCrc32c(record), true);
    at += record.byteLength + 16;
  }
  return out;
}

export class CorruptRecordError extends Error {
  override readonly name = 'CorruptRecordError';
}

/** Splits a TFRecord file into records, checking both CRCs of every frame. */
export function* readRecords(bytes: Uint8Array, name = 'shard'): Generator<Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  let index = 0;
  while (at < bytes.byteLength) {
    if (at + 12 > bytes.byteLength) throw new CorruptRecordError(`${name}: record ${index} is truncated (header)`);
    const length = Number(view.getBigUint64(at, true));
    if (view.getUint32(at + 8, true) !== maskedCrc32c(bytes.subarray(at, at + 8))) {
      throw new CorruptRecordError(`${name}: record ${index} has a bad length CRC`);
    }
    const end = at + 12 + length;
    if (end + 4 > bytes.byteLength) throw new CorruptRecordError(`${name}: record ${index} is truncated (data)`);
    const data = bytes.subarray(at + 12, end);
    if (view.getUint32(end, true) !== maskedCrc32c(data)) throw new CorruptRecordError(`${name}: record ${index} has a bad data CRC`);
    yield data;
    at = end + 4;
    index++;
  }
}
