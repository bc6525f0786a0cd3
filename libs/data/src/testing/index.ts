// '@fermx/data/testing' — test material only (tests and benches; eslint keeps it out of production
// code): a generated Kaggle-layout FER2013 CSV and FER+ file, and a detector that needs no model.
export { syntheticRows, syntheticFer2013Csv, syntheticFerPlusCsv, syntheticPixels, templateDetector, type SyntheticRow } from './synthetic-fer2013.js';
export { composeFaceCanvas, encodePhoto, type PastedFace, type FaceCanvasOptions } from './face-canvas.js';
