import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@fermx/testing';
import { classPriors } from './public/lib/class-priors.js';

const CLASSES = ['neutral', 'sad', 'surprise', 'angry'];
const TRAIN = { neutral: 1008, sad: 882, surprise: 945, angry: 621 };
const UNCAPPED = { neutral: 3237, sad: 1227, surprise: 2053, angry: 1070 };

describe('Try-it class priors', () => {
  it('offers uncapped when metadata.json records both mixes over every class', () => {
    const priors = classPriors(CLASSES, { classMix: { train: TRAIN, uncapped: UNCAPPED } });
    expect(priors.choices).toEqual(['trained', 'uncapped']);
    expect(priors.classMix).toEqual({ train: TRAIN, uncapped: UNCAPPED });
  });

  it('offers only trained, with the reason, for a model without a mix, an uncapped dataset or a class without images', () => {
    expect(classPriors(CLASSES, { classes: CLASSES })).toMatchObject({ choices: ['trained'], why: expect.stringMatching(/records no class mix/) });
    expect(classPriors(CLASSES, { classMix: { train: TRAIN } })).toMatchObject({ choices: ['trained'], why: expect.stringMatching(/caps no class/) });
    const noAngry = classPriors(CLASSES, { classMix: { train: TRAIN, uncapped: { ...UNCAPPED, angry: 0 } } });
    expect(noAngry).toMatchObject({ choices: ['trained'], why: expect.stringMatching(/no images of 'angry'/) });
    expect(noAngry.classMix).toBeUndefined();
    expect(classPriors(CLASSES, undefined).choices).toEqual(['trained']);
  });

  it("reads the committed FERM model's metadata.json as the page does", () => {
    const metadata = JSON.parse(readFileSync(join(REPO_ROOT, 'models/ferm-paper-m-xception/metadata.json'), 'utf8')) as { classes: string[] };
    expect(classPriors(metadata.classes, metadata).choices).toEqual(['trained', 'uncapped']);
  });
});
