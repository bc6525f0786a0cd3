import { MissingVotesError, openDataset, trainingClassMixes, voteTargets } from '@fermx/data';
import { evaluate, initBackend, saveModelArtifacts, train, type ImageSet } from '@fermx/models';
import { createLogger } from '@fermx/cli';
import type * as tf from '@tensorflow/tfjs';
import { loadReferencedModel } from '../saved-model/referenced-model.js';
import { TrialInputError } from './errors/index.js';
import { distilledTargets } from './teacher-targets.js';
import type { Trainer, TrainingHooks, TrainingOutcome, TrainingRequest } from './trainer.js';

/**
 * The real training step: picks the tfjs backend, loads (and caches) the dataset splits, trains
 * with @fermx/models, evaluates on val (and test when the dataset has one) and serialises the
 * model. Runs inside the trainer child process.
 */
export class TfjsTrainer implements Trainer {
  async train(request: TrainingRequest, hooks: TrainingHooks, signal: AbortSignal): Promise<TrainingOutcome> {
    const { spec } = request;
    const log = createLogger('trainer').child({ sweepId: spec.sweepId, trialId: spec.trialId });
    const backend = await initBackend(request.backend, (msg, fields) => log.info(fields ?? {}, msg));
    const dataset = await openDataset(spec.dataset.uri, { cacheDir: request.cacheDir });
    const classes = dataset.manifest.classes;
    if (classes.length !== spec.model.numClasses) {
      throw new TrialInputError(
        `model.numClasses is ${spec.model.numClasses} but dataset ${spec.dataset.uri} has ${classes.length} classes (${classes.join(', ')})`,
      );
    }
    const [trainSet, valSet] = await Promise.all([dataset.loadSplit('train'), dataset.loadSplit('val')]);
    // Held-out split: FER2013's PrivateTest (`test`) when the source had it, else PublicTest.
    const testSplit = (['test', 'publictest'] as const).find((s) => dataset.splits.includes(s));
    const testSet = testSplit ? await dataset.loadSplit(testSplit) : undefined;
    log.info(
      {
        backend: backend.name,
        train: trainSet.count,
        val: valSet.count,
        test: testSet?.count ?? 0,
        resumeEpoch: request.resumeEpoch,
        replicas: request.replicas ?? 1,
      },
      'training',
    );

    // Replicas are worker threads on CPU cores; a GPU backend picked by `auto` trains alone.
    const replicas = backend.name === 'wasm' || backend.name === 'cpu' ? (request.replicas ?? 1) : 1;
    if (replicas !== (request.replicas ?? 1)) log.warn({ backend: backend.name, replicas: request.replicas }, 'replicas ignored: backend is not a CPU backend');
    // A resumed run takes its weights from the checkpoint; only a fresh one needs the pretrained model.
    const initial = spec.training.initFrom && !request.resumeFrom ? await loadInitialModel(spec) : undefined;
    // What training fits: the FER+ votes where asked for, then the teachers blended in.
    let fitted: ImageSet = trainSet;
    try {
      if (spec.training.targets === 'ferplus-votes') fitted = { ...trainSet, targets: voteTargets(trainSet, `dataset ${spec.dataset.uri} (train split)`) };
    } catch (error) {
      if (error instanceof MissingVotesError) throw new TrialInputError(error.message);
      throw error;
    }
    if (spec.training.teachers) {
      const distilled = await distilledTargets(fitted, spec.training, { datasetVersion: spec.dataset.version, cacheDir: request.cacheDir });
      fitted = { ...trainSet, targets: distilled.targets };
      log.info({ ...distilled.summary, teacherModels: spec.training.teachers }, 'teacher targets');
    }
    const outcome = await train({
      model: spec.model,
      train: fitted,
      val: valSet,
      options: { ...spec.training, replicas },
      resumeFrom: request.resumeFrom,
      ...(initial ? { initialModel: initial } : {}),
      onInitialized: (transfer) => log.info({ initFrom: spec.training.initFrom, copied: transfer.copied, fresh: transfer.fresh }, 'pretrained weights loaded'),
      signal,
      onEpochEnd: async (metrics, checkpoint) => {
        const decision = await hooks.onEpoch(metrics, await checkpoint());
        return decision === 'stop' ? 'stop' : undefined;
      },
    });
    initial?.dispose();
    const history = outcome.history.filter((m) => m.epoch > request.resumeEpoch);
    // Recorded with the result: batch norm normalises each replica's shard, so R is part of how
    // the numbers were made (and a resume reproduces a run only with the same R).
    const backendName = replicas > 1 ? `${backend.name} ×${replicas} replicas` : backend.name;
    if (outcome.stoppedBy === 'aborted') {
      outcome.model.dispose();
      outcome.best?.model.dispose();
      return {
        stoppedBy: 'aborted',
        history,
        trainingSeconds: outcome.trainingSeconds,
        parameters: 0,
        backend: backendName,
        evaluation: { val: emptyReport(classes) },
        modelFiles: {},
      };
    }
    const scoring = { batchSize: spec.training.batchSize, tta: spec.training.tta ?? 'none' };
    const val = await evaluate(outcome.model, valSet, scoring);
    const test = testSet ? await evaluate(outcome.model, testSet, scoring) : undefined;
    const parameters = outcome.model.countParams();
    const classMix = trainingClassMixes(dataset.manifest) ?? { train: dataset.manifest.splits.train?.perClass ?? {} };
    const metadata = (model: 'last' | 'best', epoch: number, scores: { val: typeof val; test: typeof test }) => ({
      config: spec.model,
      classes,
      backend,
      training: spec.training,
      classMix,
      metrics: {
        model,
        epoch,
        valAccuracy: scores.val.accuracy,
        macroF1: scores.val.macroF1,
        ...(scores.test ? { testAccuracy: scores.test.accuracy, testSplit } : {}),
        epochs: outcome.history.length,
        trialId: spec.trialId,
        sweepId: spec.sweepId,
        dataset: spec.dataset,
      },
    });
    const modelFiles = await saveModelArtifacts(outcome.model, metadata('last', outcome.history.at(-1)?.epoch ?? 0, { val, test }));
    outcome.model.dispose();
    let best: TrainingOutcome['best'];
    if (outcome.best) {
      const bestVal = await evaluate(outcome.best.model, valSet, scoring);
      const bestTest = testSet ? await evaluate(outcome.best.model, testSet, scoring) : undefined;
      const bestFiles = await saveModelArtifacts(outcome.best.model, metadata('best', outcome.best.epoch.epoch, { val: bestVal, test: bestTest }));
      outcome.best.model.dispose();
      best = {
        epoch: outcome.best.epoch.epoch,
        valLoss: outcome.best.epoch.valLoss,
        evaluation: { val: bestVal, ...(bestTest ? { test: bestTest } : {}) },
        modelFiles: bestFiles,
      };
    }
    return {
      stoppedBy: outcome.stoppedBy,
      history,
      trainingSeconds: outcome.trainingSeconds,
      parameters,
      backend: backendName,
      evaluation: { val, ...(test ? { test, testSplit } : {}) },
      modelFiles,
      ...(best ? { best } : {}),
      ...(testSet ? { testCount: testSet.count } : {}),
    };
  }
}

function emptyReport(classes: string[]) {
  return { accuracy: 0, macroF1: 0, perClassAccuracy: classes.map(() => 0), confusionMatrix: classes.map(() => classes.map(() => 0)), classes };
}

/**
 * The saved model a trial's `initFrom` names (as `fermx predict` takes MODEL: name@version,
 * name@alias, a trial id or a folder), checked to be the trial's architecture.
 */
async function loadInitialModel(spec: TrainingRequest['spec']): Promise<tf.LayersModel> {
  const reference = spec.training.initFrom!;
  const { model, metadata } = await loadReferencedModel(reference, 'initFrom');
  const theirs = metadata.config;
  const differs = (['architecture', 'middleFlowRepeats', 'width'] as const).find((key) => theirs[key] !== spec.model[key]);
  if (differs) {
    model.dispose();
    throw new TrialInputError(
      `initFrom ${reference}: the saved model has ${differs} ${String(theirs[differs])}, this trial's model ${String(spec.model[differs])}; pretrained weights fit only the same architecture`,
    );
  }
  return model;
}
