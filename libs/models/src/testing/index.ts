// '@fermx/models/testing' — test and bench material only (eslint keeps production code from
// importing it): labelled image sets generated in code.
export { syntheticImageSet } from '../training/synthetic-set.js';
