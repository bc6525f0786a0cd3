// Storage
export * from './storage/storage.js';
export { openStorage } from './storage/open-storage.js';
export { parseStorageUri, DEFAULT_STORAGE_URI, type StorageLocation } from './storage/storage-uri.js';
export { storageEnv, StorageUriSchema } from './storage/storage-env.js';
export { FileStorage } from './storage/file-storage.js';
export { S3Storage, s3ClientConfig, MULTIPART_THRESHOLD } from './storage/s3-storage.js';
export { absoluteStorageUri, datasetRootsFrom, assertDatasetWithinRoots, DatasetOutsideRootsError } from './storage/dataset-roots.js';
// FER2013 / FER+ input
export { FER2013_EMOTIONS, FERPLUS_COLUMNS, ALL_EMOTIONS, IMAGE_SIDE, IMAGE_PIXELS, type Emotion, type Usage } from './fer2013/emotions.js';
export { readSource, type SourceRow, type SourceItem } from './fer2013/source-reader.js';
export { NotFer2013Error } from './fer2013/fer2013-row.js';
export { NotFerPlusError, ferPlusLabel, type FerPlusLabel } from './fer2013/ferplus.js';
export { formatIssue, type RowIssue, type RowIssueKind } from './fer2013/row-issue.js';
// Faces and masks
export type { LandmarkDetector, Landmarks68 } from './landmarks/landmark-detector.js';
export { FaceApiLandmarkDetector, faceApiModelDir, type FaceApiModel } from './landmarks/face-api-detector.js';
export { faceGeometry, type FaceGeometry } from './landmarks/face-geometry.js';
export { MASK_STYLES, maskSpecFor, type MaskStyle, type MaskSpec } from './masking/mask-style.js';
export { drawMasks } from './masking/mask-renderer.js';
export { laplacianVariance } from './quality/blur.js';
// Faces in photos (fermx predict; docs/PREDICT.md)
export * from './faces/fer-framing.js';
export { ferCrop, greyscale, type GreyImage } from './faces/fer-crop.js';
export { readPhoto, PhotoError, type RgbImage } from './faces/photo.js';
export { FaceApiFaceFinder, FACE_DETECTORS, type FaceFinder, type FoundFace, type FaceDetectorName } from './faces/face-finder.js';
export { frameFaces, type FramedFace, type FrameOptions } from './faces/frame-faces.js';
export { annotationSvg, writeAnnotatedPhoto, type FaceAnnotation } from './faces/annotate-photo.js';
// Promoted models (fermx model promote|list, predict name@alias)
export * from './model-registry/index.js';
// Building
export {
  buildDataset,
  readManifest,
  PAPER_CLASSES,
  type BuildDatasetOptions,
  type BuildOutcome,
  type BuildProgress,
  type BuildLog,
} from './build/build-dataset.js';
export {
  BuildConfigSchema,
  FiltersSchema,
  BUILDER_VERSION,
  PAPER_CAPS,
  PROFILE_FILTERS,
  buildConfigFor,
  type BuildConfig,
  type Filters,
  type HoldOut,
} from './build/build-config.js';
export { heldOutRows, type HeldOutRows } from './build/held-out-rows.js';
export { inlineFacePool, workerFacePool, type FacePool } from './build/face-pool.js';
export type { Manifest, ShardInfo, SplitInfo, SourceInfo } from './build/manifest.js';
export { SPLITS, FILTER_NAMES, type SplitName, type FilterName } from './build/selection.js';
// Shards and reading
export { frameRecords, readRecords, CorruptRecordError } from './shards/tfrecord.js';
export { encodeExample, decodeExample, type Features, type FeatureValue } from './shards/example.js';
export { encodeFermRecord, decodeFermRecord, type FermRecord } from './shards/ferm-example.js';
export { crc32c, maskedCrc32c } from './shards/crc32c.js';
export { openDataset, DatasetIntegrityError, type Dataset, type OpenDatasetOptions } from './dataset/open-dataset.js';
export { shuffledBatches, type LabelledImages, type BatchOptions } from './dataset/image-set.js';
export { voteTargets, MissingVotesError } from './dataset/vote-targets.js';
export { trainingClassMixes, type ClassCounts, type ClassMixes } from './dataset/class-mix.js';
