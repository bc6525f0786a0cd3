import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertSweepSpec, expandSweep, type SweepSpec } from '@fermx/contracts';
import { readSpecFile } from './spec-file.js';

const sweepFile = (name: string) => fileURLToPath(new URL(`../../../../sweeps/${name}`, import.meta.url));
/** A shipped sweep file, read and checked as `fermx sweep submit` reads it. */
const shipped = async (name: string) => assertSweepSpec(await readSpecFile(sweepFile(name)));
/** A fixed parameter value as the spec parser writes it. */
const fixed = (value: unknown) => ({ kind: 'fixed', value });
/** A spec without its name and description: two sweeps compared on what they run. */
const unnamed = (s: SweepSpec) => ({ ...s, name: '', description: '' });
const ctx = { dataset: { uri: 'file:///tmp/ferm', version: 'v1' }, numClasses: 4, createdAt: '2026-01-01T00:00:00.000Z' };

/** The trial a committed model came from and the dataset version it trained on (models/<name>/metadata.json). */
function committedTrial(name: string): { trialId: string; version: string } {
  const { metrics } = JSON.parse(readFileSync(fileURLToPath(new URL(`../../../../models/${name}/metadata.json`, import.meta.url)), 'utf8')) as {
    metrics: { trialId: string; dataset: { version: string } };
  };
  return { trialId: metrics.trialId, version: metrics.dataset.version };
}

/** A sweep's trials as expanded against the dataset version a model trained on. */
const trialsAt = (spec: SweepSpec, version: string) => expandSweep(spec, { ...ctx, dataset: { uri: spec.dataset, version } }).trials;

describe('shipped sweeps', () => {
  it('smoke.yaml: 4 tiny CNN trials of 2 epochs', async () => {
    const { trials } = expandSweep(await shipped('smoke.yaml'), ctx);
    expect(trials).toHaveLength(4);
    for (const t of trials) {
      expect(t.model).toMatchObject({ architecture: 'cnn', width: 0.25, numClasses: 4 });
      expect(t.training.epochs).toBe(2);
    }
  });

  it('paper-table3.yaml: the five rows of Table 3 under the paper protocol', async () => {
    const { trials } = expandSweep(await shipped('paper-table3.yaml'), ctx);
    expect(trials.map((t) => [t.variant, t.model.architecture, t.model.dropout ?? 0])).toEqual([
      ['CNN', 'cnn', 0],
      ['mini_Xception', 'mini-xception', 0],
      ['Xception', 'xception', 0],
      ['M-Xception', 'mxception', 0],
      ['M-Xception+Dropout', 'mxception', 0.5],
    ]);
    for (const t of trials) {
      expect(t.training).toEqual({
        epochs: 100,
        batchSize: 64,
        learningRate: 0.001,
        seed: 1,
        augmentation: { rotation: 10, widthShift: 0.1, heightShift: 0.1, zoom: 0.1, horizontalFlip: true },
      });
    }
  });

  it('the CPU-budget Table 3 sweeps differ from the paper protocol only in epochs', async () => {
    const paper = expandSweep(await shipped('paper-table3.yaml'), ctx).trials;
    const budgets: [string, number, string[]][] = [
      ['paper-table3-cpu20.yaml', 20, ['CNN', 'mini_Xception', 'Xception', 'M-Xception', 'M-Xception+Dropout']],
      ['paper-table3-mxception-cpu50.yaml', 50, ['M-Xception', 'M-Xception+Dropout']],
    ];
    for (const [file, epochs, variants] of budgets) {
      const { trials } = expandSweep(await shipped(file), ctx);
      expect(
        trials.map((t) => t.variant),
        file,
      ).toEqual(variants);
      for (const t of trials) {
        const twin = paper.find((p) => p.variant === t.variant)!;
        expect(t.model, file).toEqual(twin.model);
        expect(t.training, file).toEqual({ ...twin.training, epochs });
      }
    }
  });

  it('paper-table1.yaml and its CPU budget: Xception and M-Xception, 7 classes, the paper protocol', async () => {
    const ctx7 = { ...ctx, numClasses: 7 };
    const paper = expandSweep(await shipped('paper-table1.yaml'), ctx7).trials;
    expect(paper.map((t) => [t.variant, t.model.architecture, t.model.numClasses])).toEqual([
      ['Xception', 'xception', 7],
      ['M-Xception', 'mxception', 7],
    ]);
    const cpu = expandSweep(await shipped('paper-table1-cpu4.yaml'), ctx7).trials;
    expect(cpu.map((t) => t.model)).toEqual(paper.map((t) => t.model));
    for (const [i, t] of cpu.entries()) expect(t.training).toEqual({ ...paper[i]!.training, epochs: 4 });
    const mxception = expandSweep(await shipped('paper-table1-mxception-cpu15.yaml'), ctx7).trials;
    expect(mxception.map((t) => t.model)).toEqual([paper[1]!.model]);
    expect(mxception[0]!.training).toEqual({ ...paper[1]!.training, epochs: 15 });
  });

  it('mxception-search.yaml: 48 sampled trials with successive halving', async () => {
    const { trials } = expandSweep(await shipped('mxception-search.yaml'), ctx);
    expect(trials).toHaveLength(48);
    expect(new Set(trials.map((t) => t.model.middleFlowRepeats))).toEqual(new Set([2, 3, 4]));
    expect(trials[0]!.halving).toEqual({ rungs: [10, 30], reductionFactor: 3 });
  });

  it('mxception-search-cpu.yaml: the same search space on a CPU budget, 9 trials of at most 30 epochs', async () => {
    const full = expandSweep(await shipped('mxception-search.yaml'), ctx).trials;
    const { trials } = expandSweep(await shipped('mxception-search-cpu.yaml'), ctx);
    expect(trials).toHaveLength(9);
    expect(new Set(trials.map((t) => t.model.middleFlowRepeats))).toEqual(new Set([2, 3, 4]));
    for (const t of trials) {
      expect([0, 0.25, 0.5]).toContain(t.model.dropout);
      expect(t.training.learningRate).toBeGreaterThanOrEqual(0.0003);
      expect(t.training.learningRate).toBeLessThanOrEqual(0.003);
      expect(t.training.epochs).toBe(30);
      expect({ ...t.training, batchSize: 64, learningRate: 0.001, epochs: 90 }).toEqual({
        ...full[0]!.training,
        batchSize: 64,
        learningRate: 0.001,
        epochs: 90,
      });
    }
    expect(trials[0]!.halving).toEqual({ rungs: [5, 15], reductionFactor: 3 });
  });

  it('every file in sweeps/ is a valid sweep', async () => {
    const names = readdirSync(fileURLToPath(new URL('../../../../sweeps/', import.meta.url))).filter((n) => n.endsWith('.yaml'));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const raw = await readSpecFile(sweepFile(name));
      expect(() => assertSweepSpec(raw), name).not.toThrow();
    }
  });

  it('ferm-search-tpe.yaml and ferm-search-random.yaml: one space and budget, two samplers', async () => {
    const tpe = await shipped('ferm-search-tpe.yaml');
    const random = await shipped('ferm-search-random.yaml');
    expect(tpe.strategy).toEqual({ type: 'tpe', n: 10, startupTrials: 4, maxConcurrent: 1, seed: 1 });
    expect(random.strategy).toEqual({ type: 'random', n: 10, seed: 1 });
    const rest = (s: typeof tpe) => ({ ...s, name: '', description: '', strategy: null });
    expect(rest(random)).toEqual(rest(tpe));
    expect(tpe.metric).toEqual({ name: 'val_accuracy', goal: 'max', summary: 'best' });
    expect(tpe.halving).toEqual({ rungs: [4, 12], reductionFactor: 3 });
    expect(expandSweep(random, ctx).trials).toHaveLength(10);
  });

  it('ferm-broad-recipe.yaml: the FERM recipe unchanged, on the broader FERM', async () => {
    const faithful = await shipped('ferm-recipe.yaml');
    const broad = await shipped('ferm-broad-recipe.yaml');
    expect(faithful.dataset).toBe('file://./.fermx/datasets/ferm-paper/v1');
    expect(broad.dataset).toBe('file://./.fermx/datasets/ferm/v1');
    const rest = (s: typeof broad) => ({ ...s, name: '', description: '', dataset: '' });
    expect(rest(broad)).toEqual(rest(faithful));
    expect(expandSweep(broad, ctx).trials.map((t) => t.training.seed)).toEqual([1, 2, 3]);
  });

  it('ferm-finetune.yaml: the FERM recipe from the pretrained model, differing only where its header says', async () => {
    const recipe = await shipped('ferm-recipe.yaml');
    const finetune = await shipped('ferm-finetune.yaml');
    const pretrain = await shipped('fer2013-pretrain.yaml');
    expect(finetune.dataset).toBe(recipe.dataset);
    const { initFrom, epochs, learningRate, warmupEpochs, ...rest } = finetune.parameters;
    expect({ initFrom, epochs, learningRate, warmupEpochs }).toEqual({
      initFrom: fixed('fer2013-pretrain@v1'),
      epochs: fixed(30),
      learningRate: fixed(0.001),
      warmupEpochs: fixed(1),
    });
    const { epochs: _e, learningRate: _l, warmupEpochs: _w, ...recipeRest } = recipe.parameters;
    expect(rest).toEqual(recipeRest);
    expect(finetune.model).toEqual({ ...recipe.model, name: 'M-Xception+pretrained' });
    // The same architecture, so the weights fit; the pretraining sweep keeps its last epoch.
    expect(pretrain.model).toMatchObject({ architecture: 'mxception', middleFlowRepeats: 3 });
    expect(pretrain.metric.summary).toBe('last');
    expect(expandSweep(finetune, ctx).trials.map((t) => t.training.seed)).toEqual([1, 2, 3]);
  });

  it('ferm-masked-pretrain.yaml and ferm-finetune-masked.yaml: the same pretraining and fine-tuning on masked faces with FER+ labels', async () => {
    const unmasked = await shipped('fer2013-pretrain.yaml');
    const masked = await shipped('ferm-masked-pretrain.yaml');
    expect(masked.dataset).toBe('file://./.fermx/datasets/ferm-all-pretrain/v1');
    // FER+ labels carry their votes, so the vote distribution replaces label smoothing.
    const { labelSmoothing, ...unmaskedRest } = unmasked.parameters;
    expect(labelSmoothing).toEqual({ kind: 'fixed', value: 0.1 });
    expect(masked.parameters).toEqual({ ...unmaskedRest, targets: { kind: 'fixed', value: 'ferplus-votes' } });
    expect({ ...masked.model, name: '' }).toEqual({ ...unmasked.model, name: '' });
    expect(masked.metric.summary).toBe('last');

    const finetune = await shipped('ferm-finetune.yaml');
    const finetuneMasked = await shipped('ferm-finetune-masked.yaml');
    expect(finetuneMasked.parameters).toEqual({ ...finetune.parameters, initFrom: { kind: 'fixed', value: 'ferm-masked-pretrain@v1' } });
    const rest = (s: typeof finetune) => ({ ...s, name: '', description: '', model: { ...s.model, name: '' }, parameters: {} });
    expect(rest(finetuneMasked)).toEqual(rest(finetune));

    const broad = await shipped('ferm-broad-finetune-masked.yaml');
    expect(broad.dataset).toBe('file://./.fermx/datasets/ferm/v1');
    const named = (s: typeof finetune) => ({ ...s, name: '', description: '', dataset: '' });
    expect(named(broad)).toEqual(named(finetuneMasked));
  });

  // The longer masked pretrainings, their fine-tunings and a second fine-tuning cycle: each differs
  // from the sweep it builds on only in its name and the parameters its header names.
  it.each([
    ['ferm-masked-pretrain-long.yaml', 'ferm-masked-pretrain.yaml', { epochs: fixed(30) }],
    ['ferm-finetune-masked-long.yaml', 'ferm-finetune-masked.yaml', { initFrom: fixed('ferm-masked-pretrain-long@v1') }],
    ['ferm-masked-pretrain-continued.yaml', 'ferm-masked-pretrain-long.yaml', { initFrom: fixed('ferm-masked-pretrain-long@v1'), learningRate: fixed(0.001) }],
    ['ferm-finetune-masked-60.yaml', 'ferm-finetune-masked-long.yaml', { initFrom: fixed('ferm-masked-pretrain-continued@v1') }],
    [
      'ferm-paper-second-cycle.yaml',
      'ferm-finetune-masked-60.yaml',
      { initFrom: fixed('file://./models/ferm-paper-m-xception'), epochs: fixed(20), learningRate: fixed(0.0003) },
    ],
  ])('%s differs from %s only in its name and %o', async (file, base, changed) => {
    const spec = await shipped(file);
    const from = await shipped(base);
    expect(spec.name).toBe(file.replace(/\.yaml$/, ''));
    expect(unnamed(spec)).toEqual({ ...unnamed(from), parameters: { ...from.parameters, ...changed } });
  });

  it('ferm-broad-from-paper.yaml: the second fine-tuning cycle on the broader FERM, ranked by the last epoch', async () => {
    const paper = await shipped('ferm-paper-second-cycle.yaml');
    const broad = await shipped('ferm-broad-from-paper.yaml');
    expect(broad.dataset).toBe('file://./.fermx/datasets/ferm/v1');
    expect(broad.metric).toEqual({ ...paper.metric, summary: 'last' });
    expect({ ...unnamed(broad), dataset: '', metric: null }).toEqual({ ...unnamed(paper), dataset: '', metric: null });
  });

  it('fer2013-recipe-100.yaml: the M-Xception of fer2013-recipe.yaml in one schedule of 100 epochs, ranked by its last epoch', async () => {
    const first = await shipped('fer2013-recipe.yaml');
    const long = await shipped('fer2013-recipe-100.yaml');
    expect(long.dataset).toBe(first.dataset);
    expect(long.model).toEqual(first.models!.find((m) => m.architecture === 'mxception'));
    expect(long.parameters).toEqual({ ...first.parameters, epochs: fixed(100) });
    expect(long.metric).toEqual({ ...first.metric, summary: 'last' });
    expect(long.priority).toBe(first.priority);
  });

  it('fer2013-recipe-continued.yaml: a second cycle for the M-Xception of fer2013-recipe.yaml, differing only where its header says', async () => {
    const first = await shipped('fer2013-recipe.yaml');
    const second = await shipped('fer2013-recipe-continued.yaml');
    expect(second.dataset).toBe(first.dataset);
    expect(second.model).toEqual(first.models!.find((m) => m.architecture === 'mxception'));
    expect(second.parameters).toEqual({ ...first.parameters, initFrom: fixed('fer2013-m-xception-recipe@v1'), epochs: fixed(20), learningRate: fixed(0.001) });
    // PublicTest is this profile's val and the figure Table 1 reports: the last epoch is kept.
    expect(second.metric.summary).toBe('last');
  });

  // The distilled runs: each is the sweep it builds on plus teachers (and, for FER2013, the start
  // it names), a model label and names, as their headers say.
  it.each([
    [
      'ferm-finetune-distilled.yaml',
      'ferm-finetune-masked-90.yaml',
      {
        teachers: fixed(['file://./models/ferm-paper-m-xception', 't-7344fe4c8ff878a0', 't-c0c95b2e32bb2e67', 't-b345b8e5487f0888']),
        teacherWeight: fixed(0.5),
        teacherTemperature: fixed(2),
      },
    ],
    [
      'ferm-finetune-distilled-second.yaml',
      'ferm-finetune-distilled.yaml',
      {
        teachers: fixed([
          't-0dd3d3d3df62ae46',
          't-3a7482b45fdc4dd7',
          't-dc722fc47a75b5bb',
          't-7344fe4c8ff878a0',
          't-c0c95b2e32bb2e67',
          't-b345b8e5487f0888',
          't-fb5666a3e1d2e90a',
        ]),
        teacherWeight: { kind: 'grid', values: [0.5, 0.8] },
      },
    ],
    ['ferm-finetune-distilled-second-t8.yaml', 'ferm-finetune-distilled-second.yaml', { teacherWeight: fixed(0.5), teacherTemperature: fixed(8) }],
    [
      'fer2013-recipe-distilled.yaml',
      'fer2013-recipe-continued.yaml',
      {
        initFrom: fixed('file://./models/fer2013-m-xception-recipe'),
        teachers: fixed(['file://./models/fer2013-m-xception-recipe', 't-b25ce48d2bc63d07', 'file://./models/fer2013-rmn']),
        teacherWeight: fixed(0.5),
        teacherTemperature: fixed(2),
      },
    ],
  ])('%s is %s with teachers', async (file, base, changed) => {
    const spec = await shipped(file);
    const from = await shipped(base);
    expect(spec.name).toBe(file.replace(/\.yaml$/, ''));
    const labelled = (s: SweepSpec) => ({ ...unnamed(s), model: { ...s.model!, name: '' } });
    expect(labelled(spec)).toEqual({ ...labelled(from), parameters: { ...from.parameters, ...changed } });
  });

  it("ferm-finetune-distilled-second-t8.yaml reproduces the committed ferm-paper-m-xception: its seed 2 is the model's trial", async () => {
    const committed = committedTrial('ferm-paper-m-xception');
    const trials = trialsAt(await shipped('ferm-finetune-distilled-second-t8.yaml'), committed.version);
    expect(trials.map((t) => t.training.seed)).toEqual([1, 2, 3]);
    expect(trials.find((t) => t.training.seed === 2)!.trialId).toBe(committed.trialId);
    // At T = 4 (the model committed before it) seed 2 is t-0db0ae5dd7182dea.
    const raw = (await readSpecFile(sweepFile('ferm-finetune-distilled-second-t8.yaml'))) as { parameters: Record<string, unknown> };
    const t4 = trialsAt(assertSweepSpec({ ...raw, parameters: { ...raw.parameters, teacherTemperature: 4 } }), committed.version);
    expect(t4.find((t) => t.training.seed === 2)!.trialId).toBe('t-0db0ae5dd7182dea');
  });

  it("ferm-broad-over-cap.yaml reproduces the committed ferm-broad-m-xception: its seed 1 is the model's trial", async () => {
    const committed = committedTrial('ferm-broad-m-xception');
    const trials = trialsAt(await shipped('ferm-broad-over-cap.yaml'), committed.version);
    expect(trials.map((t) => t.training.seed)).toEqual([1, 2, 3]);
    expect(trials.find((t) => t.training.seed === 1)!.trialId).toBe(committed.trialId);
  });

  it('the duplicate-free pretraining and fine-tuning differ from the masked ones only in datasets, initFrom and names', async () => {
    const named = (s: SweepSpec) => ({ ...s, name: '', description: '', dataset: '' });
    const pretrain = await shipped('ferm-masked-pretrain.yaml');
    const uniquePretrain = await shipped('ferm-unique-masked-pretrain.yaml');
    expect(uniquePretrain.dataset).toBe('file://./.fermx/datasets/ferm-all-pretrain-unique/v1');
    expect(named(uniquePretrain)).toEqual(named(pretrain));
    const finetune = await shipped('ferm-finetune-masked.yaml');
    const uniqueFinetune = await shipped('ferm-unique-finetune-masked.yaml');
    expect(uniqueFinetune.dataset).toBe('file://./.fermx/datasets/ferm-paper-unique/v1');
    expect(uniqueFinetune.parameters.initFrom).toEqual({ kind: 'fixed', value: 'ferm-unique-masked-pretrain@v1' });
    const withoutStart = (s: SweepSpec) => ({ ...named(s), parameters: { ...s.parameters, initFrom: undefined } });
    expect(withoutStart(uniqueFinetune)).toEqual(withoutStart(finetune));
  });
});
