// '@fermx/models/testing' — test and bench material only (eslint keeps production code from
// importing it): labelled image sets generated in code, and a tiny seeded classifier.
export { syntheticImageSet } from '../training/synthetic-set.js';
export { linearSoftmaxModel } from './linear-softmax-model.js';
