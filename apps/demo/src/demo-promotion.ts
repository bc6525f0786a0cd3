/** A leaderboard row as `fermx leaderboard --json` prints it (the fields the demo reads). */
export interface DemoRow {
  trialId: string;
  model: string;
  variant?: string;
  valAccuracy: number;
  macroF1: number;
}

/** The trial the demo promotes: the best macro-F1 (the four FERM classes are unbalanced, so accuracy alone flatters a majority-class model). */
export function bestTrial(rows: readonly DemoRow[]): DemoRow | undefined {
  return [...rows].sort((a, b) => b.macroF1 - a.macroF1 || b.valAccuracy - a.valAccuracy || a.trialId.localeCompare(b.trialId))[0];
}

/** The Try-it page of a promoted model, as `fermx serve` routes it (`#/try/model/<name@alias>`). */
export function tryItUrl(port: number, reference: string): string {
  return `http://127.0.0.1:${port}/#/try/model/${encodeURIComponent(reference)}`;
}
