/**
 * fermx's shards checked by an independent reader: Google's protobuf runtime (Debian's
 * python3-protobuf) with tf.train.Example classes protoc generates at test time from
 * testing/tf-example/*.proto, and a TFRecord framer with its own CRC-32C (tfrecord_reader.py).
 * What it parses is what tf.data.TFRecordDataset + tf.io.parse_example parse: the same framing
 * and the same Example schema.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBinary, type Requirement } from '@fermx/testing';
import { decodeExample, encodeExample, type Features } from './example.js';
import { encodeFermRecord, type FermRecord } from './ferm-example.js';
import { frameRecords, readRecords } from './tfrecord.js';

const PROTOC: Requirement = {
  binary: 'protoc',
  debianPackage: 'protobuf-compiler',
  purpose: 'compiling tf.train.Example for the independent shard reader test',
};
const PYTHON: Requirement = { binary: '/usr/bin/python3', debianPackage: 'python3', purpose: 'the independent shard reader test' };
// A module, not a command: the file the package installs stands for it.
const PYTHON_PROTOBUF: Requirement = {
  binary: '/usr/lib/python3/dist-packages/google/protobuf/__init__.py',
  debianPackage: 'python3-protobuf',
  purpose: 'the independent shard reader test (Google protobuf runtime for Python)',
};

const toolDir = fileURLToPath(new URL('../testing/tf-example/', import.meta.url));
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
type JsonFeature = { bytes: string[] } | { float: number[] } | { int64: number[] };

let work: string;
let python: string;

beforeAll(() => {
  // Missing tools are installed (root + apt) or fail the suite, saying what to install: never skipped.
  const protoc = ensureBinary(PROTOC);
  python = ensureBinary(PYTHON);
  ensureBinary(PYTHON_PROTOBUF);
  work = mkdtempSync(join(tmpdir(), 'fermx-tfexample-'));
  const compiled = spawnSync(protoc, [`-I${toolDir}`, `--python_out=${work}`, 'feature.proto', 'example.proto'], { encoding: 'utf8' });
  if (compiled.status !== 0) throw new Error(`protoc failed: ${compiled.stderr}`);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function runReader(mode: 'read' | 'write', file: string, stdin = '') {
  return spawnSync(python, [join(toolDir, 'tfrecord_reader.py'), work, mode, file], {
    input: stdin,
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
}

function readWithPython(file: string): Record<string, JsonFeature>[] {
  const out = runReader('read', file);
  if (out.status !== 0) throw new Error(`tfrecord_reader.py: ${out.stderr}`);
  return out.stdout
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { features: Record<string, JsonFeature> }).features);
}

const fermRecords: FermRecord[] = [0, 1, 2].map((k) => ({
  image: Uint8Array.from({ length: 48 * 48 }, (_, i) => (i * 7 + k) % 256),
  label: k,
  labelName: ['neutral', 'sad', 'surprise'][k]!,
  sourceIndex: 1000 + k,
  sourceUsage: k === 2 ? 'PublicTest' : 'Training',
  ferplusVotes: [k, 10 - k, 0, 0, 0, 0, 0, 0, 0, 0],
  maskStyle: ['surgical', 'cloth', 'n95'][k]!,
}));

/** The features a FERM record must carry (docs/DATASET.md), spelt out independently of ferm-example.ts. */
function expectedFerm(r: FermRecord): Record<string, JsonFeature> {
  const text = (s: string) => ({ bytes: [b64(new TextEncoder().encode(s))] });
  return {
    'image/raw': { bytes: [b64(r.image)] },
    'image/height': { int64: [48] },
    'image/width': { int64: [48] },
    label: { int64: [r.label] },
    'label/name': text(r.labelName),
    'source/index': { int64: [r.sourceIndex] },
    'source/usage': text(r.sourceUsage),
    'ferplus/votes': { int64: r.ferplusVotes },
    'mask/style': text(r.maskStyle),
  };
}

describe('shards read by an independent tf.train.Example reader (protoc + python3-protobuf)', () => {
  it('parses a FERM shard as fermx wrote it, record for record, CRCs verified', () => {
    const floats: Features = {
      embedding: { float: [0.5, -2.25, 3.0517578125e-5] },
      ids: { int64: [0, 1, 2 ** 40] },
      blob: { bytes: [new Uint8Array([0, 255, 10])] },
    };
    const shard = frameRecords([...fermRecords.map(encodeFermRecord), encodeExample(floats)]);
    const file = join(work, 'train-00000-of-00001.tfrecord');
    writeFileSync(file, shard);

    expect(readWithPython(file)).toEqual([
      ...fermRecords.map(expectedFerm),
      { embedding: { float: [0.5, -2.25, 3.0517578125e-5] }, ids: { int64: [0, 1, 2 ** 40] }, blob: { bytes: [b64(new Uint8Array([0, 255, 10]))] } },
    ]);
  });

  it('refuses a shard with one flipped byte (its CRC check is real)', () => {
    const shard = frameRecords(fermRecords.map(encodeFermRecord));
    shard[200] = shard[200]! ^ 0x01;
    const file = join(work, 'corrupt.tfrecord');
    writeFileSync(file, shard);
    const out = runReader('read', file);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/record 0: bad data crc/);
  });

  it('reads what Google protobuf writes, negative int64s included', () => {
    const written: Record<string, JsonFeature>[] = [
      { f: { float: [1.5, -0.125, 1e-3] }, n: { int64: [-1, 7, -(2 ** 40)] }, s: { bytes: [b64(new TextEncoder().encode('angry'))] } },
      { empty: { bytes: [] } },
    ];
    const file = join(work, 'from-python.tfrecord');
    const out = runReader('write', file, written.map((features) => JSON.stringify({ features })).join('\n'));
    expect(out.status, out.stderr).toBe(0);
    const back = [...readRecords(new Uint8Array(readFileSync(file)), 'from-python.tfrecord')].map(decodeExample);
    expect(back).toEqual([
      { f: { float: [1.5, -0.125, Math.fround(1e-3)] }, n: { int64: [-1, 7, -(2 ** 40)] }, s: { bytes: [new TextEncoder().encode('angry')] } },
      { empty: { bytes: [] } },
    ]);
  });
});
