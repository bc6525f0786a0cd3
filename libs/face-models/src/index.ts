export { FlatTable } from './flatbuffer-table.js';
export { readTfliteModel, withMetadataBuffer, type TfliteModelInfo, type TfliteTensorInfo } from './tflite-model.js';
export {
  buildModelMetadata,
  readModelMetadata,
  METADATA_BUFFER_NAME,
  METADATA_IDENTIFIER,
  type ModelMetadataSpec,
  type TensorMetadataSpec,
} from './model-metadata.js';
export {
  shortRangeDetectorWithMetadata,
  shortRangeDetectorMetadata,
  shortRangeDetectorPath,
  FACE_DETECTION_PACKAGE,
  SHORT_RANGE_FILE,
} from './face-detector-model.js';
