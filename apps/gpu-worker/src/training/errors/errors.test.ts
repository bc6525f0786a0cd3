import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { DatasetIntegrityError, StorageNotFoundError, StorageUnavailableError } from '@fermx/data';
import { InvalidModelConfigError } from '@fermx/models/model-config';
import {
  classifyError,
  fromWire,
  InfrastructureError,
  toWire,
  TrainerCrashedError,
  TrialDivergedError,
  TrialInputError,
  UnexpectedTrialError,
  type TrialError,
} from './index.js';

describe('trial errors', () => {
  it('each class carries its kind and retry policy', () => {
    expect(
      [
        new TrialInputError('x'),
        new TrialDivergedError('x', 2),
        new InfrastructureError('storage', 'x'),
        new TrainerCrashedError('x'),
        new UnexpectedTrialError('TypeError', 'x'),
      ].map((e) => `${e.name}:${e.kind}:${e.retry}`),
    ).toEqual([
      'TrialInputError:trial-fault:fail',
      'TrialDivergedError:trial-fault:fail',
      'InfrastructureError:infrastructure:hand-back',
      'TrainerCrashedError:crash:retry',
      'UnexpectedTrialError:crash:retry',
    ]);
  });

  it('classifies foreign errors by type, not by name', () => {
    expect(classifyError(new StorageUnavailableError('s3 down'))).toBeInstanceOf(InfrastructureError);
    expect(classifyError(new StorageNotFoundError('no manifest'))).toBeInstanceOf(TrialInputError);
    expect(classifyError(new DatasetIntegrityError('bad shard'))).toBeInstanceOf(TrialInputError);
    expect(classifyError(new ZodError([]))).toBeInstanceOf(TrialInputError);
    expect(classifyError(new InvalidModelConfigError('invalid model config: width: too big'))).toBeInstanceOf(TrialInputError);
    // an error that merely calls itself StorageUnavailableError is not one
    const impostor = new Error('looks like an outage');
    impostor.name = 'StorageUnavailableError';
    expect(classifyError(impostor)).toBeInstanceOf(UnexpectedTrialError);
    expect(classifyError('a string')).toBeInstanceOf(UnexpectedTrialError);
    const own = new TrialDivergedError('epoch 4: loss is NaN', 4);
    expect(classifyError(own)).toBe(own);
  });

  it('survives the IPC boundary as plain data: the same class, fields and message come back', () => {
    const errors: TrialError[] = [
      new TrialInputError('bad spec'),
      new TrialDivergedError('epoch 3: loss is NaN', 3),
      new InfrastructureError('storage', 'down'),
      new TrainerCrashedError('died'),
      new UnexpectedTrialError('TypeError', 'oops'),
    ];
    for (const error of errors) {
      // structuredClone is what serialization: 'advanced' does to a message
      const back = fromWire(structuredClone(toWire(error)));
      expect(back.constructor).toBe(error.constructor);
      expect(back.message).toBe(error.message);
      expect(back.retry).toBe(error.retry);
      expect(back.stack).toBe(error.stack);
    }
    expect((fromWire(structuredClone(toWire(new TrialDivergedError('x', 7)))) as TrialDivergedError).epoch).toBe(7);
    expect((fromWire(structuredClone(toWire(new InfrastructureError('storage', 'x')))) as InfrastructureError).service).toBe('storage');
    expect((fromWire(structuredClone(toWire(new UnexpectedTrialError('RangeError', 'x')))) as UnexpectedTrialError).originalName).toBe('RangeError');
  });
});
