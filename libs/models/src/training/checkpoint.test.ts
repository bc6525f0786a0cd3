import { describe, expect, it } from 'vitest';
import { CheckpointCorruptError, decodeCheckpoint, encodeCheckpoint, verifyCheckpoint, type Checkpoint } from './checkpoint.js';

const checkpoint = (): Checkpoint => ({
  header: { tensors: [{ role: 'weight', name: 'w', shape: [2, 3] }, { role: 'adam-m', name: 'w/m', shape: [6] }], epoch: 7 },
  payloads: [Float32Array.from([0.5, -1, 2, 3.25, 1e-7, -4]), Float32Array.from([1, 2, 3, 4, 5, 6])],
});

describe('checkpoint checksum', () => {
  it('verifies an intact checkpoint and decodes it', () => {
    const bytes = encodeCheckpoint(checkpoint());
    expect(verifyCheckpoint(bytes)).toEqual({ version: 2, checksum: 'sha256' });
    expect(decodeCheckpoint(bytes).payloads).toEqual(checkpoint().payloads);
  });

  it('detects one flipped byte anywhere: header, payload or trailer', () => {
    const bytes = encodeCheckpoint(checkpoint());
    // every position after the magic and version (those have their own messages)
    for (let at = 8; at < bytes.length; at++) {
      const flipped = bytes.slice();
      flipped[at] = flipped[at]! ^ 0x01;
      expect(() => verifyCheckpoint(flipped), `byte ${at}`).toThrow(CheckpointCorruptError);
      expect(() => decodeCheckpoint(flipped), `byte ${at}`).toThrow(CheckpointCorruptError);
    }
  });

  it('names what is wrong: checksum, truncation, magic, version', () => {
    const bytes = encodeCheckpoint(checkpoint());
    const payloadByte = bytes.slice();
    payloadByte[bytes.length - 40] = payloadByte[bytes.length - 40]! ^ 0xff;
    expect(() => verifyCheckpoint(payloadByte)).toThrow(/checksum mismatch: the \d+ bytes are corrupt or truncated/);
    expect(() => verifyCheckpoint(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
    expect(() => verifyCheckpoint(bytes.subarray(0, 8))).toThrow(/too short/);
    const magic = bytes.slice();
    magic[0] = 0x58;
    expect(() => verifyCheckpoint(magic)).toThrow(/not a fermx checkpoint/);
    const version = bytes.slice();
    version[4] = 9;
    expect(() => verifyCheckpoint(version)).toThrow(/version 9 is not supported/);
  });

  it('still reads a version-1 checkpoint (no trailer), reporting it unverified', () => {
    const v2 = encodeCheckpoint(checkpoint());
    const v1 = v2.slice(0, v2.length - 32);
    new DataView(v1.buffer).setUint32(4, 1, true);
    expect(verifyCheckpoint(v1)).toEqual({ version: 1, checksum: 'none' });
    expect(decodeCheckpoint(v1).header.epoch).toBe(7);
    expect(decodeCheckpoint(v1).payloads).toEqual(checkpoint().payloads);
  });
});
