// The leaderboard's CSV columns, one list for `fermx leaderboard --csv` and the page's export
// (a row of `GET /api/leaderboard`, LeaderboardRow in @fermx/contracts, with the noise-aware
// marks when they were computed). Cells are raw values; csvText / formatCsv neutralise them.

const flag = (v) => (v === true ? 'true' : v === false ? 'false' : '');

/** [name, cell] pairs, in column order. */
const COLUMNS = [
  ['rank', (r) => r.rank],
  ['trialId', (r) => r.trialId],
  ['sweepId', (r) => r.sweepId],
  ['sweepName', (r) => r.sweepName],
  ['dataset', (r) => r.dataset],
  ['model', (r) => r.model],
  ['variant', (r) => r.variant ?? ''],
  ['params', (r) => JSON.stringify(r.params ?? {})],
  ['parameters', (r) => r.parameters],
  ['ranked', (r) => r.ranked],
  ['epoch', (r) => r.epoch],
  ['valAccuracy', (r) => r.valAccuracy],
  ['valLow', (r) => r.valInterval?.[0] ?? null],
  ['valHigh', (r) => r.valInterval?.[1] ?? null],
  ['valCount', (r) => r.valCount ?? null],
  ['testAccuracy', (r) => r.testAccuracy],
  ['testLow', (r) => r.testInterval?.[0] ?? null],
  ['testHigh', (r) => r.testInterval?.[1] ?? null],
  ['macroF1', (r) => r.macroF1],
  ['otherValAccuracy', (r) => r.otherValAccuracy ?? null],
  ['otherTestAccuracy', (r) => r.otherTestAccuracy ?? null],
  ['tiedWithBest', (r) => flag(r.tiedWithBest)],
  ['paretoOptimal', (r) => flag(r.paretoOptimal)],
  ['infeasible', (r) => (r.infeasible ?? []).join('; ')],
  ['epochs', (r) => r.epochs],
  ['trainingSeconds', (r) => r.trainingSeconds],
  ['imagesPerSecond', (r) => r.imagesPerSecond],
  ['backend', (r) => r.backend],
  ['host', (r) => r.host],
  ['status', (r) => r.status],
  ['finishedAt', (r) => r.finishedAt],
];

export const LEADERBOARD_CSV_HEADER = COLUMNS.map(([name]) => name);

/** One row's cells, in LEADERBOARD_CSV_HEADER's order. */
export function leaderboardCsvCells(row) {
  return COLUMNS.map(([, cell]) => cell(row));
}
