import { decodeExample, encodeExample, type FeatureValue } from './example.js';

/** One FERM image as it sits in a shard. */
export interface FermRecord {
  image: Uint8Array;
  label: number;
  labelName: string;
  sourceIndex: number;
  sourceUsage: string;
  /** FER+ votes (10, FERPLUS_COLUMNS order) or empty without FER+. */
  ferplusVotes: number[];
  maskStyle: string;
}

const text = new TextEncoder();
const fromText = new TextDecoder();

export function encodeFermRecord(r: FermRecord): Uint8Array {
  return encodeExample({
    'image/raw': { bytes: [r.image] },
    'image/height': { int64: [48] },
    'image/width': { int64: [48] },
    label: { int64: [r.label] },
    'label/name': { bytes: [text.encode(r.labelName)] },
    'source/index': { int64: [r.sourceIndex] },
    'source/usage': { bytes: [text.encode(r.sourceUsage)] },
    'ferplus/votes': { int64: r.ferplusVotes },
    'mask/style': { bytes: [text.encode(r.maskStyle)] },
  });
}

function bytesOf(v: FeatureValue | undefined, key: string): Uint8Array {
  const b = v && 'bytes' in v ? v.bytes[0] : undefined;
  if (!b) throw new Error(`FERM record: missing bytes feature "${key}"`);
  return b;
}

function intsOf(v: FeatureValue | undefined): number[] {
  return v && 'int64' in v ? v.int64 : [];
}

export function decodeFermRecord(bytes: Uint8Array): FermRecord {
  const f = decodeExample(bytes);
  const label = intsOf(f.label)[0];
  const index = intsOf(f['source/index'])[0];
  if (label === undefined || index === undefined) throw new Error('FERM record: missing "label" or "source/index"');
  return {
    image: bytesOf(f['image/raw'], 'image/raw'),
    label,
    labelName: fromText.decode(bytesOf(f['label/name'], 'label/name')),
    sourceIndex: index,
    sourceUsage: fromText.decode(bytesOf(f['source/usage'], 'source/usage')),
    ferplusVotes: intsOf(f['ferplus/votes']),
    maskStyle: f['mask/style'] ? fromText.decode(bytesOf(f['mask/style'], 'mask/style')) : '',
  };
}
