import { parse } from 'yaml';

/** A `--set PATH=VALUE` that cannot be applied to the sweep spec. */
export class SpecOverrideError extends Error {
  override readonly name = 'SpecOverrideError';
}

/**
 * Applies `PATH=VALUE` overrides to a parsed sweep spec, in order, and returns a copy: PATH is a
 * dotted key path (`dataset`, `parameters.seed`, `model.dropout`), VALUE is read as YAML, so
 * `parameters.seed={grid: [4, 5]}` sets a search space and `priority=3` a number. Missing
 * mappings on the way are created; the spec's own validation judges the result.
 */
export function applySpecOverrides(spec: unknown, overrides: readonly string[]): unknown {
  if (overrides.length === 0) return spec;
  if (!isMapping(spec)) throw new SpecOverrideError('--set needs a sweep spec that is a mapping');
  const copy = structuredClone(spec);
  for (const override of overrides) setPath(copy, override);
  return copy;
}

/** Keys that would reach an object's prototype rather than the spec. */
const RESERVED_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

function setPath(spec: Record<string, unknown>, override: string): void {
  const at = override.indexOf('=');
  if (at <= 0) throw new SpecOverrideError(`--set ${override}: expected PATH=VALUE, e.g. --set dataset=file:///data/ferm/v1`);
  const path = override.slice(0, at).split('.');
  if (path.some((key) => key.trim() === '')) throw new SpecOverrideError(`--set ${override}: the path has an empty key`);
  const reserved = path.find((key) => RESERVED_KEYS.has(key));
  if (reserved) throw new SpecOverrideError(`--set ${override}: ${reserved} is not a sweep spec key`);
  let value: unknown;
  try {
    value = parse(override.slice(at + 1));
  } catch (error) {
    throw new SpecOverrideError(`--set ${override}: the value is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  let node = spec;
  for (const [depth, key] of path.slice(0, -1).entries()) {
    const next = Object.hasOwn(node, key) ? node[key] : (node[key] = {});
    if (!isMapping(next)) throw new SpecOverrideError(`--set ${override}: ${path.slice(0, depth + 1).join('.')} is ${describe(next)}, not a mapping`);
    node = next;
  }
  node[path.at(-1)!] = value ?? null;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'null' : `a ${typeof value}`;
}
