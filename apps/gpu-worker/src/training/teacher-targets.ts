import { blendTargets, teacherAgreement, teacherDistribution, type ImageSet } from '@fermx/models';
import { DEFAULT_TEACHER_TEMPERATURE, DEFAULT_TEACHER_WEIGHT, type TrainOptions } from '@fermx/contracts';
import type * as tf from '@tensorflow/tfjs';
import { loadReferencedModel } from '../saved-model/referenced-model.js';
import { TrialInputError } from './errors/index.js';
import { modelDigest, TeacherTargetCache } from './teacher-cache.js';

/** What distilling did to the train set's targets, for the trial's log. */
export interface TeacherSummary {
  teachers: number;
  weight: number;
  temperature: number;
  /** Share of train images whose teachers' top class is their label. */
  agreement: number;
  seconds: number;
  /** The distribution came from the cache (an earlier attempt or run read these teachers on this set). */
  cached: boolean;
  /** Why the distribution read could not be cached (the trial goes on without the cache). */
  cacheError?: string;
}

/** Where the train set comes from and where read distributions are kept. */
export interface TeacherContext {
  datasetVersion: string;
  cacheDir: string | undefined;
  env?: NodeJS.ProcessEnv;
}

/**
 * The train set's targets with the trial's `teachers` blended in (teacher-targets.ts in
 * @fermx/models): every teacher is loaded, checked to predict the dataset's classes in the
 * dataset's order, read once over the train set (flip views) and disposed. The distribution is
 * cached by the teachers' weights (TeacherTargetCache), so a resumed trial does not read the set
 * again; read or cached, it is the same (inference is deterministic on one backend), so a resume
 * continues the same run.
 */
export async function distilledTargets(
  train: ImageSet,
  training: Pick<TrainOptions, 'teachers' | 'teacherWeight' | 'teacherTemperature' | 'batchSize'>,
  context: TeacherContext,
): Promise<{ targets: Float32Array; summary: TeacherSummary }> {
  const env = context.env ?? process.env;
  const references = training.teachers ?? [];
  if (references.length === 0) throw new Error('distilledTargets needs training.teachers');
  const started = performance.now();
  const models: tf.LayersModel[] = [];
  try {
    for (const reference of references) {
      const { model, metadata } = await loadReferencedModel(reference, 'teachers', env);
      models.push(model);
      if (metadata.classes.join(',') !== train.classes.join(',')) {
        throw new TrialInputError(
          `teachers ${reference}: the saved model predicts ${metadata.classes.join(', ')}; this dataset's classes are ${train.classes.join(', ')} (a teacher must predict the same classes in the same order)`,
        );
      }
    }
    const weight = training.teacherWeight ?? DEFAULT_TEACHER_WEIGHT;
    const temperature = training.teacherTemperature ?? DEFAULT_TEACHER_TEMPERATURE;
    const tta = 'flip';
    const cache = new TeacherTargetCache(context.cacheDir, env);
    const key = TeacherTargetCache.keyOf({
      datasetVersion: context.datasetVersion,
      count: train.count,
      classes: train.classes,
      temperature,
      tta,
      teachers: await Promise.all(models.map(modelDigest)),
    });
    const length = train.count * train.classes.length;
    // A cache that cannot be read or written (not a folder, read-only, full) costs time, not the trial.
    let cacheError: string | undefined;
    const unusable = (error: unknown): undefined => {
      cacheError = (error as Error).message;
      return undefined;
    };
    let teachers = await cache.read(key, length).catch(unusable);
    const cached = teachers !== undefined;
    if (!teachers) {
      teachers = await teacherDistribution(models, train, { temperature, tta, batchSize: training.batchSize });
      if (cacheError === undefined) await cache.write(key, teachers).catch(unusable);
    }
    return {
      targets: blendTargets(train, teachers, weight),
      summary: {
        teachers: models.length,
        weight,
        temperature,
        agreement: teacherAgreement(train, teachers),
        seconds: (performance.now() - started) / 1000,
        cached,
        ...(cacheError ? { cacheError } : {}),
      },
    };
  } finally {
    for (const model of models) model.dispose();
  }
}
