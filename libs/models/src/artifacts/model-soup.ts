import * as tf from '@tensorflow/tfjs';
import { recordedTestTimeAugmentation } from '../metrics/test-time-views.js';
import type { ModelMetadata } from './model-artifacts.js';

/** One model of a soup: how it was named (a folder, URI or trial id), the model and its metadata. */
export interface SoupMember {
  reference: string;
  model: tf.LayersModel;
  metadata: ModelMetadata;
}

/** A soup that cannot be made: the members are not one architecture, or read different classes. */
export class SoupMismatchError extends Error {
  override name = 'SoupMismatchError';
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The element-wise mean of the members' weights, in the first member's order (a uniform model
 * soup, Wortsman et al. 2022): every weight, batch-norm moving statistics included. The members
 * must share the config, the classes (in order) and every weight's shape; the first one that does
 * not is named.
 */
export function soupWeights(members: readonly SoupMember[]): tf.Tensor[] {
  if (members.length < 2) throw new SoupMismatchError(`a soup needs at least two models, got ${members.length}`);
  const [first, ...rest] = members as [SoupMember, ...SoupMember[]];
  // Each member's weights, read once: the checks and the mean both use them.
  const values = members.map((m) => m.model.getWeights());
  const shapes = values[0]!.map((w) => w.shape);
  rest.forEach((member, r) => {
    if (!sameJson(member.metadata.config, first.metadata.config))
      throw new SoupMismatchError(`${member.reference}: its config ${JSON.stringify(member.metadata.config)} differs from ${first.reference}'s ${JSON.stringify(first.metadata.config)}`);
    if (!sameJson(member.metadata.classes, first.metadata.classes))
      throw new SoupMismatchError(`${member.reference}: it predicts ${member.metadata.classes.join(', ')}; ${first.reference} predicts ${first.metadata.classes.join(', ')}`);
    const weights = values[r + 1]!;
    if (weights.length !== shapes.length)
      throw new SoupMismatchError(`${member.reference}: it has ${weights.length} weights; ${first.reference} has ${shapes.length}`);
    const at = weights.findIndex((w, i) => !sameJson(w.shape, shapes[i]));
    if (at >= 0)
      throw new SoupMismatchError(`${member.reference}: its weight ${at} has shape [${weights[at]!.shape.join(', ')}]; ${first.reference}'s has [${shapes[at]!.join(', ')}]`);
  });
  return tf.tidy(() => shapes.map((_, i) => tf.div(tf.addN(values.map((weights) => weights[i]!)), members.length)));
}

/**
 * What a soup's metadata.json says: the first member's config, classes and training recipe; the
 * class mix and dataset only where every member records the same; read with the test-time views
 * the first member records (every member must record the same); no scores (a soup has not been
 * evaluated: `fermx evaluate` measures it); `soup` lists the members.
 */
export function soupMetadata(members: readonly SoupMember[], note?: string): ModelMetadata {
  const [first] = members as [SoupMember, ...SoupMember[]];
  const viewsOf = (member: SoupMember) => {
    try {
      return recordedTestTimeAugmentation(member.metadata);
    } catch (error) {
      throw new SoupMismatchError(`${member.reference}: ${(error as Error).message}`);
    }
  };
  const tta = viewsOf(first);
  for (const member of members.slice(1)) {
    const own = viewsOf(member);
    if (own !== tta) throw new SoupMismatchError(`${member.reference}: it is read with ${own}; ${first.reference} with ${tta}`);
  }
  const shared = <T>(pick: (m: ModelMetadata) => T): T | undefined => {
    const value = pick(first.metadata);
    return members.every((m) => sameJson(pick(m.metadata), value)) ? value : undefined;
  };
  const classMix = shared((m) => m.classMix);
  const dataset = shared((m) => m.metrics?.['dataset']);
  return {
    config: first.metadata.config,
    classes: first.metadata.classes,
    ...(first.metadata.training ? { training: first.metadata.training } : {}),
    ...(classMix ? { classMix } : {}),
    ...(dataset !== undefined ? { metrics: { model: 'soup', dataset } } : {}),
    evaluation: { tta, note: note ?? `A uniform soup (the mean of the weights) of ${members.length} models: ${members.map((m) => m.reference).join(', ')}.` },
    soup: { members: members.map((m) => m.reference) },
  };
}
