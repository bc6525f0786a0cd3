export * from './registry-schema.js';
export {
  ModelRegistry,
  ModelRegistryError,
  isModelReference,
  isModelLocation,
  datasetMasked,
  registryKeys,
  type PromotedModel,
  type PromoteRequest,
} from './model-registry.js';
