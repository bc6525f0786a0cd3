import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '@fermx/testing';
import { commands } from './main.js';

const dir = mkdtempSync(join(tmpdir(), 'fermx-inspect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fermx dataset inspect', () => {
  it("shows a manifest's escape sequences as text, never sends them to the terminal", async () => {
    const esc = '\x1b]0;owned\x07\x1b[2J';
    const manifest = {
      format: 'fermx-dataset/1',
      classes: [`neutral${esc}`, 'sad'],
      labels: 'ferplus',
      preview: `preview.png${esc}`,
      builder: { version: '1', buildKey: 'k', builtAt: '2026-01-01T00:00:00Z', detector: `det${esc}`, config: { profile: 'paper', seed: 1 } },
      sources: { fer2013: { file: `fer2013.csv${esc}`, sha256: 'a'.repeat(64) }, ferplus: { file: `fer2013new.csv\u202e`, sha256: 'b'.repeat(64) } },
      splits: { train: { count: 1, perClass: { [`neutral${esc}`]: 1 } } },
      rows: { read: 1, invalid: {}, unlabelled: {}, otherClasses: 0, filtered: {}, capped: {}, selected: 1 },
      shards: [],
    };
    mkdirSync(join(dir, 'ds'), { recursive: true });
    writeFileSync(join(dir, 'ds', 'manifest.json'), JSON.stringify(manifest));
    const { code, out } = await runCliCaptured(['dataset', 'inspect', pathToFileURL(join(dir, 'ds')).href], commands, {});
    expect(code).toBe(0);
    expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\u202e]/);
    expect(out).toContain('neutral\\x1b]0;owned\\x07\\x1b[2J');
    expect(out).toContain('fer2013new.csv\\u202e');
  });

  it.each([
    ['an older manifest, with the build time', { builtAt: '2026-01-01T00:00:00Z' }, 'build k, 2026-01-01T00:00:00Z)'],
    ['a manifest without it', {}, 'build k)'],
  ])('names the build in its header line: %s', async (_, extra, header) => {
    const manifest = {
      format: 'fermx-dataset/1',
      classes: ['neutral'],
      labels: 'ferplus',
      preview: 'preview.png',
      builder: { version: '1', buildKey: 'k', detector: 'd', config: { profile: 'paper', seed: 1 }, ...extra },
      sources: { fer2013: { file: 'fer2013.csv', sha256: 'a'.repeat(64) } },
      splits: { train: { count: 1, perClass: { neutral: 1 } } },
      rows: { read: 1, invalid: {}, unlabelled: {}, otherClasses: 0, filtered: {}, capped: {}, selected: 1 },
      shards: [],
    };
    const folder = join(dir, `header-${header.length}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest));
    const { code, out } = await runCliCaptured(['dataset', 'inspect', pathToFileURL(folder).href], commands, {});
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toMatch(/^file:.* \(fermx-dataset\/1, builder 1, /);
    expect(out.split('\n')[0]!.endsWith(header)).toBe(true);
  });
});
