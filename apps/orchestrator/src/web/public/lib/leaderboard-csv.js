// The leaderboard's CSV columns, one list for `fermx leaderboard --csv` and the page's export
// (a row of `GET /api/leaderboard`, LeaderboardRow in @fermx/contracts, with the noise-aware
// marks when they were computed). Cells are raw values; csvText / formatCsv neutralise them.

const flag = (v) => (v === true ? 'true' : v === false ? 'false' : '');

/** The columns, in order: a name and a row's cell. */
const COLUMNS = [
  { name: 'rank', cell: (r) => r.rank },
  { name: 'trialId', cell: (r) => r.trialId },
  { name: 'sweepId', cell: (r) => r.sweepId },
  { name: 'sweepName', cell: (r) => r.sweepName },
  { name: 'dataset', cell: (r) => r.dataset },
  { name: 'model', cell: (r) => r.model },
  { name: 'variant', cell: (r) => r.variant ?? '' },
  { name: 'params', cell: (r) => JSON.stringify(r.params ?? {}) },
  { name: 'parameters', cell: (r) => r.parameters },
  { name: 'ranked', cell: (r) => r.ranked },
  { name: 'epoch', cell: (r) => r.epoch },
  { name: 'valAccuracy', cell: (r) => r.valAccuracy },
  { name: 'valLow', cell: (r) => r.valInterval?.[0] ?? null },
  { name: 'valHigh', cell: (r) => r.valInterval?.[1] ?? null },
  { name: 'valCount', cell: (r) => r.valCount ?? null },
  { name: 'testAccuracy', cell: (r) => r.testAccuracy },
  { name: 'testLow', cell: (r) => r.testInterval?.[0] ?? null },
  { name: 'testHigh', cell: (r) => r.testInterval?.[1] ?? null },
  { name: 'macroF1', cell: (r) => r.macroF1 },
  { name: 'otherValAccuracy', cell: (r) => r.otherValAccuracy ?? null },
  { name: 'otherTestAccuracy', cell: (r) => r.otherTestAccuracy ?? null },
  { name: 'tiedWithBest', cell: (r) => flag(r.tiedWithBest) },
  { name: 'paretoOptimal', cell: (r) => flag(r.paretoOptimal) },
  { name: 'infeasible', cell: (r) => (r.infeasible ?? []).join('; ') },
  { name: 'epochs', cell: (r) => r.epochs },
  { name: 'trainingSeconds', cell: (r) => r.trainingSeconds },
  { name: 'imagesPerSecond', cell: (r) => r.imagesPerSecond },
  { name: 'backend', cell: (r) => r.backend },
  { name: 'host', cell: (r) => r.host },
  { name: 'status', cell: (r) => r.status },
  { name: 'finishedAt', cell: (r) => r.finishedAt },
];

export const LEADERBOARD_CSV_HEADER = COLUMNS.map((c) => c.name);

/** One row's cells, in LEADERBOARD_CSV_HEADER's order. */
export function leaderboardCsvCells(row) {
  return COLUMNS.map((c) => c.cell(row));
}
