import { Builder } from 'flatbuffers';
import { FlatTable } from './flatbuffer-table.js';

// TFLite model metadata (schema `metadata_schema.fbs` of the TFLite support library, also in
// MediaPipe as mediapipe/tasks/metadata/metadata_schema.fbs), the part fermx writes: model
// name/description/version, per-tensor name, description, content (image or feature),
// normalization and value range. Slots are the fields' positions in that schema.
export const METADATA_BUFFER_NAME = 'TFLITE_METADATA';
export const METADATA_IDENTIFIER = 'M001';
const MIN_PARSER_VERSION = '1.0.0';

const MODEL_METADATA = { name: 0, description: 1, version: 2, subgraphs: 3, author: 4, license: 5, minParserVersion: 7, fieldCount: 8 } as const;
const SUBGRAPH_METADATA = { name: 0, inputs: 2, outputs: 3, fieldCount: 10 } as const;
const TENSOR_METADATA = { name: 0, description: 1, content: 3, processUnits: 4, stats: 5, fieldCount: 7 } as const;
const CONTENT = { propertiesType: 0, properties: 1, fieldCount: 3 } as const;
const CONTENT_PROPERTIES = { FeatureProperties: 1, ImageProperties: 2 } as const;
const IMAGE_PROPERTIES = { colorSpace: 0, fieldCount: 2 } as const;
const COLOR_SPACES = ['unknown', 'rgb', 'grayscale'] as const;
const PROCESS_UNIT = { optionsType: 0, options: 1, fieldCount: 2 } as const;
const NORMALIZATION_OPTIONS_TYPE = 1;
const NORMALIZATION = { mean: 0, std: 1, fieldCount: 2 } as const;
const STATS = { max: 0, min: 1, fieldCount: 2 } as const;

export type ColorSpace = (typeof COLOR_SPACES)[number];

export interface TensorMetadataSpec {
  name: string;
  description: string;
  /** An image tensor (with its colour space) or a plain feature tensor. */
  content: { kind: 'image'; colorSpace: ColorSpace } | { kind: 'feature' };
  /** (x − mean) / std, per channel (one value applies to every channel). */
  normalization?: { mean: number[]; std: number[] };
  /** The value range after normalization. */
  range?: { min: number[]; max: number[] };
}

export interface ModelMetadataSpec {
  name: string;
  description: string;
  version: string;
  author: string;
  license: string;
  inputs: TensorMetadataSpec[];
  outputs: TensorMetadataSpec[];
}

function floats(b: Builder, values: readonly number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]!);
  return b.endVector();
}

function offsets(b: Builder, values: readonly number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addOffset(values[i]!);
  return b.endVector();
}

function tensorMetadata(b: Builder, t: TensorMetadataSpec): number {
  const name = b.createString(t.name);
  const description = b.createString(t.description);
  let properties: number;
  if (t.content.kind === 'image') {
    b.startObject(IMAGE_PROPERTIES.fieldCount);
    b.addFieldInt8(IMAGE_PROPERTIES.colorSpace, COLOR_SPACES.indexOf(t.content.colorSpace), 0);
    properties = b.endObject();
  } else {
    b.startObject(0);
    properties = b.endObject();
  }
  b.startObject(CONTENT.fieldCount);
  b.addFieldInt8(CONTENT.propertiesType, t.content.kind === 'image' ? CONTENT_PROPERTIES.ImageProperties : CONTENT_PROPERTIES.FeatureProperties, 0);
  b.addFieldOffset(CONTENT.properties, properties, 0);
  const content = b.endObject();
  let processUnits = 0;
  if (t.normalization) {
    const mean = floats(b, t.normalization.mean);
    const std = floats(b, t.normalization.std);
    b.startObject(NORMALIZATION.fieldCount);
    b.addFieldOffset(NORMALIZATION.mean, mean, 0);
    b.addFieldOffset(NORMALIZATION.std, std, 0);
    const options = b.endObject();
    b.startObject(PROCESS_UNIT.fieldCount);
    b.addFieldInt8(PROCESS_UNIT.optionsType, NORMALIZATION_OPTIONS_TYPE, 0);
    b.addFieldOffset(PROCESS_UNIT.options, options, 0);
    processUnits = offsets(b, [b.endObject()]);
  }
  let stats = 0;
  if (t.range) {
    const max = floats(b, t.range.max);
    const min = floats(b, t.range.min);
    b.startObject(STATS.fieldCount);
    b.addFieldOffset(STATS.max, max, 0);
    b.addFieldOffset(STATS.min, min, 0);
    stats = b.endObject();
  }
  b.startObject(TENSOR_METADATA.fieldCount);
  b.addFieldOffset(TENSOR_METADATA.name, name, 0);
  b.addFieldOffset(TENSOR_METADATA.description, description, 0);
  b.addFieldOffset(TENSOR_METADATA.content, content, 0);
  if (processUnits) b.addFieldOffset(TENSOR_METADATA.processUnits, processUnits, 0);
  if (stats) b.addFieldOffset(TENSOR_METADATA.stats, stats, 0);
  return b.endObject();
}

/** The ModelMetadata flatbuffer (file identifier M001) for a single-subgraph model. */
export function buildModelMetadata(spec: ModelMetadataSpec): Uint8Array {
  const b = new Builder(1024);
  const inputs = offsets(
    b,
    spec.inputs.map((t) => tensorMetadata(b, t)),
  );
  const outputs = offsets(
    b,
    spec.outputs.map((t) => tensorMetadata(b, t)),
  );
  const subgraphName = b.createString(spec.name);
  b.startObject(SUBGRAPH_METADATA.fieldCount);
  b.addFieldOffset(SUBGRAPH_METADATA.name, subgraphName, 0);
  b.addFieldOffset(SUBGRAPH_METADATA.inputs, inputs, 0);
  b.addFieldOffset(SUBGRAPH_METADATA.outputs, outputs, 0);
  const subgraphs = offsets(b, [b.endObject()]);
  const name = b.createString(spec.name);
  const description = b.createString(spec.description);
  const version = b.createString(spec.version);
  const author = b.createString(spec.author);
  const license = b.createString(spec.license);
  const minParserVersion = b.createString(MIN_PARSER_VERSION);
  b.startObject(MODEL_METADATA.fieldCount);
  b.addFieldOffset(MODEL_METADATA.name, name, 0);
  b.addFieldOffset(MODEL_METADATA.description, description, 0);
  b.addFieldOffset(MODEL_METADATA.version, version, 0);
  b.addFieldOffset(MODEL_METADATA.subgraphs, subgraphs, 0);
  b.addFieldOffset(MODEL_METADATA.author, author, 0);
  b.addFieldOffset(MODEL_METADATA.license, license, 0);
  b.addFieldOffset(MODEL_METADATA.minParserVersion, minParserVersion, 0);
  b.finish(b.endObject(), METADATA_IDENTIFIER);
  return b.asUint8Array().slice();
}

function readTensor(t: FlatTable): TensorMetadataSpec {
  const content = t.table(TENSOR_METADATA.content);
  const kind = content?.uint8(CONTENT.propertiesType);
  const properties = content?.table(CONTENT.properties);
  const unit = t.tables(TENSOR_METADATA.processUnits).find((u) => u.uint8(PROCESS_UNIT.optionsType) === NORMALIZATION_OPTIONS_TYPE);
  const options = unit?.table(PROCESS_UNIT.options);
  const stats = t.table(TENSOR_METADATA.stats);
  const spec: TensorMetadataSpec = {
    name: t.string(TENSOR_METADATA.name) ?? '',
    description: t.string(TENSOR_METADATA.description) ?? '',
    content:
      kind === CONTENT_PROPERTIES.ImageProperties
        ? { kind: 'image', colorSpace: COLOR_SPACES[properties?.int8(IMAGE_PROPERTIES.colorSpace) ?? 0] ?? 'unknown' }
        : { kind: 'feature' },
  };
  if (options) spec.normalization = { mean: options.float32s(NORMALIZATION.mean), std: options.float32s(NORMALIZATION.std) };
  if (stats) spec.range = { min: stats.float32s(STATS.min), max: stats.float32s(STATS.max) };
  return spec;
}

/** Parses a ModelMetadata flatbuffer back (the fields buildModelMetadata writes). */
export function readModelMetadata(bytes: Uint8Array): ModelMetadataSpec & { minParserVersion: string } {
  const identifier = String.fromCharCode(...bytes.subarray(4, 8));
  if (identifier !== METADATA_IDENTIFIER) throw new Error(`not TFLite model metadata (file identifier "${identifier}", expected "${METADATA_IDENTIFIER}")`);
  const root = FlatTable.root(bytes);
  const subgraph = root.tables(MODEL_METADATA.subgraphs)[0];
  return {
    name: root.string(MODEL_METADATA.name) ?? '',
    description: root.string(MODEL_METADATA.description) ?? '',
    version: root.string(MODEL_METADATA.version) ?? '',
    author: root.string(MODEL_METADATA.author) ?? '',
    license: root.string(MODEL_METADATA.license) ?? '',
    minParserVersion: root.string(MODEL_METADATA.minParserVersion) ?? '',
    inputs: subgraph ? subgraph.tables(SUBGRAPH_METADATA.inputs).map(readTensor) : [],
    outputs: subgraph ? subgraph.tables(SUBGRAPH_METADATA.outputs).map(readTensor) : [],
  };
}
