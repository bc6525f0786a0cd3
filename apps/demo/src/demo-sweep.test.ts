import { parseSweepSpec } from '@fermx/contracts';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { demoSweepYaml } from './demo-sweep.js';

describe('demoSweepYaml', () => {
  it('is a valid sweep: two models, one-cycle schedule, mirror images, the epochs asked for', () => {
    const parsed = parseSweepSpec(parse(demoSweepYaml({ dataset: 'file:///tmp/ferm', synthetic: false, epochs: 15 })));
    expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.spec.name).toBe('demo');
    const yaml = parse(demoSweepYaml({ dataset: 'file:///tmp/ferm', synthetic: true, epochs: 4 })) as {
      name: string;
      models: { architecture: string }[];
      parameters: Record<string, unknown>;
    };
    expect(yaml.name).toBe('demo-synthetic');
    expect(yaml.models.map((m) => m.architecture)).toEqual(['cnn', 'mini-xception']);
    expect(yaml.parameters).toMatchObject({ epochs: 4, schedule: 'one-cycle', augmentation: { horizontalFlip: true, rotation: 0 } });
  });
});
