export * from './space.js';
export * from './tpe.js';
export * from './search-study.js';
export { ParzenEstimator } from './parzen-estimator.js';
export { decisionRandom } from './seeded.js';
