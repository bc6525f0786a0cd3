import { describe, expect, it } from 'vitest';
import type { Dataset, Manifest } from '@fermx/data';
import type { ImageSet, ModelMetadata } from '@fermx/models';
import { TrialInputError } from '../training/errors/index.js';
import { ensembleScoring, scoringFor, type EvaluationInput, type EvaluationSplit } from './evaluation-input.js';

const classes = ['neutral', 'sad'];
const input: EvaluationInput = { datasetUri: 'file:///data/ferm/v1', split: 'val', backend: 'wasm', cacheDir: undefined, env: {} };

function split(capped: Record<string, number>, version = 'aaaa000000000000'): EvaluationSplit {
  const manifest = {
    classes,
    splits: { train: { count: 80, perClass: { neutral: 40, sad: 40 } }, val: { count: 20, perClass: { neutral: 10, sad: 10 } } },
    rows: { capped },
  } as unknown as Manifest;
  const dataset = { uri: input.datasetUri, manifest, version } as unknown as Dataset;
  return { dataset, set: { classes, count: 0, images: new Uint8Array(), labels: new Uint8Array() } as ImageSet };
}

const metadata = (extra: Partial<ModelMetadata> = {}): ModelMetadata =>
  ({
    config: { architecture: 'cnn', numClasses: 2 },
    classes,
    training: { tta: 'flip' },
    metrics: { dataset: { uri: input.datasetUri, version: 'aaaa000000000000' } },
    ...extra,
  }) as unknown as ModelMetadata;

describe('scoringFor', () => {
  it('reads a model under its own class mix and TTA unless asked otherwise', () => {
    expect(scoringFor('m', metadata(), input, split({ neutral: 100 }))).toEqual({ tta: 'flip', classPrior: 'trained' });
    expect(scoringFor('m', metadata(), { ...input, tta: 'none' }, split({}))).toEqual({ tta: 'none', classPrior: 'trained' });
    // A model re-scored after training (metadata.evaluation) is read as it was chosen, unless asked otherwise.
    const rescored = metadata({ evaluation: { tta: 'flip-shift' } });
    expect(scoringFor('m', rescored, input, split({}))).toEqual({ tta: 'flip-shift', classPrior: 'trained' });
    expect(scoringFor('m', rescored, { ...input, tta: 'flip' }, split({}))).toEqual({ tta: 'flip', classPrior: 'trained' });
  });

  it('uncapped: weights from the train split (40/40) to the Training rows before the caps (150/50)', () => {
    const scoring = scoringFor('m', metadata(), { ...input, classPrior: 'uncapped' }, split({ neutral: 100 }));
    expect(scoring.classPrior).toBe('uncapped');
    expect(Array.from(scoring.classWeights!)).toEqual([1.5, 0.5]);
  });

  it('uncapped: a model that records its class mixes carries them to any build, and they win over the dataset', () => {
    const recorded = metadata({ classMix: { train: { neutral: 30, sad: 10 }, uncapped: { neutral: 50, sad: 50 } } });
    const scoring = scoringFor('m', recorded, { ...input, classPrior: 'uncapped' }, split({ neutral: 100 }, 'bbbb000000000000'));
    expect(Array.from(scoring.classWeights!)).toEqual([Math.fround(0.5 / 0.75), Math.fround(0.5 / 0.25)]);
  });

  it('uncapped is bad input, said plainly, where it cannot apply', () => {
    const uncapped = { ...input, classPrior: 'uncapped' as const };
    const cases: [ModelMetadata, EvaluationSplit, RegExp][] = [
      [metadata(), split({}), /dataset file:\/\/\/data\/ferm\/v1 caps no class/],
      [
        metadata({ metrics: {} }),
        split({ neutral: 1 }),
        /needs the class mix model m was trained on: its metadata.json records neither classMix nor the dataset/,
      ],
      [
        metadata(),
        split({ neutral: 1 }, 'bbbb000000000000'),
        /model m records no classMix and was trained on dataset version aaaa000000000000 .* not on file:\/\/\/data\/ferm\/v1 \(version bbbb000000000000\)/,
      ],
      [metadata({ classMix: { train: { neutral: 1, sad: 1 } } }), split({ neutral: 1 }), /model m was trained on a dataset that caps no class/],
      [
        metadata({ classMix: { train: { neutral: 1 }, uncapped: { neutral: 1, sad: 1 } } }),
        split({ neutral: 1 }),
        /model m: the training class mix has no images of 'sad'/,
      ],
    ];
    for (const [m, s, message] of cases) {
      expect(() => scoringFor('m', m, uncapped, s)).toThrow(TrialInputError);
      expect(() => scoringFor('m', m, uncapped, s)).toThrow(message);
    }
  });

  it('refuses a model trained on other classes', () => {
    expect(() => scoringFor('m', metadata({ classes: ['sad', 'neutral'] }), input, split({}))).toThrow(/trained on classes \[sad, neutral\] but dataset/);
  });
});

describe('ensembleScoring', () => {
  const first = { uri: 'm', metadata: metadata({ classMix: { train: { neutral: 40, sad: 40 }, uncapped: { neutral: 150, sad: 50 } } }) };

  it("reads the ensemble under its first model's prior and TTA; the members' own cannot refuse it", () => {
    // A member that records no class mix and was trained on another build could not be read
    // uncapped alone; in an ensemble, the first model's prior applies.
    const member = {
      uri: 'other',
      metadata: metadata({
        training: { tta: 'none' },
        metrics: { dataset: { uri: 'file:///else', version: 'cccc000000000000' } },
      } as unknown as Partial<ModelMetadata>),
    };
    const uncapped = { ...input, classPrior: 'uncapped' as const };
    expect(ensembleScoring(first, [member], uncapped, split({ neutral: 100 }))).toEqual(scoringFor('m', first.metadata, uncapped, split({ neutral: 100 })));
    expect(() => scoringFor('other', member.metadata, uncapped, split({ neutral: 100 }))).toThrow(TrialInputError);
  });

  it('refuses a member trained on other classes, naming it', () => {
    const swapped = { uri: 'swapped', metadata: metadata({ classes: ['sad', 'neutral'] }) };
    expect(() => ensembleScoring(first, [swapped], input, split({}))).toThrow(/model swapped was trained on classes \[sad, neutral\]/);
  });
});
