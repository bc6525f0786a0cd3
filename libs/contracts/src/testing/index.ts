// '@fermx/contracts/testing' — test material only (tests and benches; eslint keeps it out of
// production code): valid TrialSpec / TrialResult documents with plausible numbers.
export { exampleTrialSpec, exampleTrialResult } from './examples.js';
