import type { ImageSet } from '@fermx/models';
import { blendTargets, teacherAgreement, teacherDistribution } from '@fermx/models';
import { DEFAULT_TEACHER_TEMPERATURE, DEFAULT_TEACHER_WEIGHT, type TrainOptions } from '@fermx/contracts';
import type * as tf from '@tensorflow/tfjs';
import { loadReferencedModel } from '../saved-model/referenced-model.js';
import { TrialInputError } from './errors/index.js';

/** What distilling did to the train set's targets, for the trial's log. */
export interface TeacherSummary {
  teachers: number;
  weight: number;
  temperature: number;
  /** Share of train images whose teachers' top class is their label. */
  agreement: number;
  seconds: number;
}

/**
 * The train set's targets with the trial's `teachers` blended in (teacher-targets.ts in
 * @fermx/models): every teacher is loaded, checked to predict the dataset's classes in the
 * dataset's order, read once over the train set (flip views) and disposed. Fresh and resumed runs
 * compute the same targets (inference is deterministic on one backend), so a resume continues
 * the same run.
 */
export async function distilledTargets(
  train: ImageSet,
  training: Pick<TrainOptions, 'teachers' | 'teacherWeight' | 'teacherTemperature' | 'batchSize'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ targets: Float32Array; summary: TeacherSummary }> {
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
    const teachers = await teacherDistribution(models, train, { temperature, tta: 'flip', batchSize: training.batchSize });
    return {
      targets: blendTargets(train, teachers, weight),
      summary: { teachers: models.length, weight, temperature, agreement: teacherAgreement(train, teachers), seconds: (performance.now() - started) / 1000 },
    };
  } finally {
    for (const model of models) model.dispose();
  }
}
