import { decisionRandom } from './seeded.js';
import { sampleUniform, type Dimension, type Point } from './space.js';
import { DEFAULT_TPE_OPTIONS, suggest, type Observation, type TpeOptions } from './tpe.js';

/** A result's budget: a halving rung's epoch, or the trial's final result. */
export type Budget = number | 'final';

/**
 * What happened in a model-based search, in order. The log is the search's whole state: the
 * next proposal is a pure function of the config and the events so far, so a log replays.
 */
export type SearchEvent =
  /** A trial proposed by the sampler (`random` during startup, `tpe` after) or added by hand. */
  | { type: 'ask'; trialId: string; cell: number; params: Point; by: 'random' | 'tpe' | 'manual' }
  /** The objective of a trial at a budget. */
  | { type: 'tell'; trialId: string; budget: Budget; value: number }
  /** The trial no longer runs (it no longer counts as a running "liar"). */
  | { type: 'end'; trialId: string; status: 'completed' | 'stopped-early' | 'failed' | 'cancelled' }
  /** A result of an earlier sweep seeding the model (warm start). */
  | { type: 'warm'; trialId: string; cell: number; params: Point; value: number }
  /** Every resample of a cell's proposal was an existing trial: the cell proposes no more. */
  | { type: 'exhausted'; cell: number };

export interface SearchConfig {
  /** One search space per cell (a model variant × a point of the grid axes), each searched separately. */
  cells: readonly (readonly Dimension[])[];
  /** Proposals per cell. */
  n: number;
  /** Trials of the search running at once. */
  maxConcurrent: number;
  seed: number;
  goal: 'max' | 'min';
  /** Budgets ascending (halving rungs, then 'final'); the model is fit on the largest with enough results. */
  budgets: readonly Budget[];
  tpe?: Partial<TpeOptions>;
}

/** Attempts to find a proposal whose trial id is new: first from TPE, then uniform. */
const RESAMPLE_ATTEMPTS = 32;

interface TrialState {
  cell: number;
  params: Point;
  by: 'random' | 'tpe' | 'manual';
  ended: boolean;
  values: Map<Budget, number>;
}

/**
 * Ask/tell state of one TPE search (BOHB-style with halving, constant liar for running trials),
 * built by applying its event log. `propose` never changes the state; the caller appends the
 * event it returns (to Redis) and applies it.
 */
export class SearchStudy {
  private readonly options: TpeOptions;
  private readonly trials = new Map<string, TrialState>();
  private readonly warm: { cell: number; params: Point; value: number }[] = [];
  private readonly exhausted = new Set<number>();
  private readonly asksPerCell: number[];
  private asks = 0;
  readonly events: SearchEvent[] = [];

  constructor(
    private readonly config: SearchConfig,
    events: readonly SearchEvent[] = [],
  ) {
    this.options = { ...DEFAULT_TPE_OPTIONS, ...config.tpe };
    this.asksPerCell = config.cells.map(() => 0);
    for (const event of events) this.apply(event);
  }

  apply(event: SearchEvent): void {
    this.events.push(event);
    switch (event.type) {
      case 'ask':
        if (this.trials.has(event.trialId)) return;
        this.trials.set(event.trialId, { cell: event.cell, params: event.params, by: event.by, ended: false, values: new Map() });
        if (event.by !== 'manual') {
          this.asks++;
          if (this.asksPerCell[event.cell] !== undefined) this.asksPerCell[event.cell]!++;
        }
        return;
      case 'tell':
        this.trials.get(event.trialId)?.values.set(event.budget, event.value);
        return;
      case 'end': {
        const trial = this.trials.get(event.trialId);
        if (trial) trial.ended = true;
        return;
      }
      case 'warm':
        this.warm.push({ cell: event.cell, params: event.params, value: event.value });
        return;
      case 'exhausted':
        this.exhausted.add(event.cell);
        return;
    }
  }

  has(trialId: string): boolean {
    return this.trials.has(trialId);
  }

  /** Trials proposed or added and not ended. */
  running(): string[] {
    return [...this.trials].filter(([, t]) => !t.ended).map(([id]) => id);
  }

  /** Every trial of the search with its cell, params, whether it ended and the budgets it was told. */
  trialStates(): { trialId: string; cell: number; params: Point; ended: boolean; told: Budget[] }[] {
    return [...this.trials].map(([trialId, t]) => ({ trialId, cell: t.cell, params: t.params, ended: t.ended, told: [...t.values.keys()] }));
  }

  /** Proposals still to make (over all cells). */
  remaining(): number {
    return this.asksPerCell.reduce((sum, asked, cell) => sum + (this.exhausted.has(cell) ? 0 : Math.max(0, this.config.n - asked)), 0);
  }

  /** How many proposals may be made now: free concurrency, capped by what remains. */
  freeSlots(): number {
    return Math.max(0, Math.min(this.config.maxConcurrent - this.running().length, this.remaining()));
  }

  /** True when every proposal was made and no trial runs. */
  done(): boolean {
    return this.remaining() === 0 && this.running().length === 0;
  }

  /**
   * The next proposal as an event to append (an `ask`, or `exhausted` when no new trial id could
   * be found), or undefined when nothing remains. `trialIdOf` maps a cell's point to its trial
   * id; a proposal whose id is already in the search is resampled (bounded).
   */
  propose(trialIdOf: (cell: number, point: Point) => string): SearchEvent | undefined {
    const cell = this.nextCell();
    if (cell === undefined) return undefined;
    const space = this.config.cells[cell]!;
    const { observations, running } = this.modelData(cell);
    for (let attempt = 0; attempt < 2 * RESAMPLE_ATTEMPTS; attempt++) {
      const random = decisionRandom(this.config.seed, this.asks, attempt);
      const { point, by } =
        attempt < RESAMPLE_ATTEMPTS
          ? suggest(space, observations, running, this.options, random)
          : { point: sampleUniform(space, random), by: 'random' as const };
      const trialId = trialIdOf(cell, point);
      if (!this.trials.has(trialId)) return { type: 'ask', trialId, cell, params: point, by };
    }
    return { type: 'exhausted', cell };
  }

  private nextCell(): number | undefined {
    let best: number | undefined;
    this.asksPerCell.forEach((asked, cell) => {
      if (asked >= this.config.n || this.exhausted.has(cell)) return;
      if (best === undefined || asked < this.asksPerCell[best]!) best = cell;
    });
    return best;
  }

  /**
   * The model's data for a cell: results at the largest budget with at least startupTrials of
   * them (warm-start results count at 'final'), as losses; running trials without a result at that
   * budget are the liars. With no such budget, the final results (fewer than startupTrials: the
   * sampler draws uniformly).
   */
  private modelData(cell: number): { observations: Observation[]; running: Point[] } {
    const sign = this.config.goal === 'max' ? -1 : 1;
    const inCell = [...this.trials.values()].filter((t) => t.cell === cell);
    const atBudget = (budget: Budget): Observation[] => [
      ...(budget === 'final' ? this.warm.filter((w) => w.cell === cell).map((w) => ({ point: w.params, loss: sign * w.value })) : []),
      ...inCell.flatMap((t) => (t.values.has(budget) ? [{ point: t.params, loss: sign * t.values.get(budget)! }] : [])),
    ];
    const budgets = [...this.config.budgets].reverse();
    let chosen: Budget = 'final';
    let observations = atBudget('final');
    for (const budget of budgets) {
      const found = atBudget(budget);
      if (found.length >= this.options.startupTrials) {
        chosen = budget;
        observations = found;
        break;
      }
    }
    const running = inCell.filter((t) => !t.ended && !t.values.has(chosen)).map((t) => t.params);
    return { observations, running };
  }
}

/**
 * Re-derives every sampler proposal of a log from the events before it: the proposals that differ
 * (none for an intact log with the same config and id function).
 */
export function replaySearch(
  config: SearchConfig,
  events: readonly SearchEvent[],
  trialIdOf: (cell: number, point: Point) => string,
): { index: number; logged: SearchEvent; replayed: SearchEvent | undefined }[] {
  const study = new SearchStudy(config);
  const mismatches: { index: number; logged: SearchEvent; replayed: SearchEvent | undefined }[] = [];
  events.forEach((event, index) => {
    if ((event.type === 'ask' && event.by !== 'manual') || event.type === 'exhausted') {
      const replayed = study.propose(trialIdOf);
      if (JSON.stringify(replayed) !== JSON.stringify(event)) mismatches.push({ index, logged: event, replayed });
    }
    study.apply(event);
  });
  return mismatches;
}
