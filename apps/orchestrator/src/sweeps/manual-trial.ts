import {
  parseSweepSpec,
  ParametersSchema,
  type Domain,
  type ModelVariant,
  type ParameterName,
  type SweepSpec,
  type TrialParams,
  type ValidationIssue,
} from '@fermx/contracts';

/** `--set name=value` pairs (strings from the CLI, JSON values from the API) and, with several model variants, which one. */
export interface TrialSettings {
  set: Record<string, unknown>;
  variant?: string;
}

export type ManualTrial = { ok: true; variant: ModelVariant; point: TrialParams } | { ok: false; issues: ValidationIssue[] };

/** A CLI value: JSON when it parses (3e-3, 4, true, "x"), the plain text otherwise (paper, none). */
export function settingValue(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * Checks one specific trial against a sweep's spec: every value by its parameter's schema (the
 * same one `sweep submit` applies), every searched parameter given, none of the fixed ones
 * changed, and the model variant named when the sweep has several. Issues are at `set.<name>`.
 */
export function manualTrial(spec: SweepSpec, settings: TrialSettings): ManualTrial {
  const issues: ValidationIssue[] = [];
  const point: TrialParams = {};
  const known = Object.keys(ParametersSchema.shape);
  for (const [name, raw] of Object.entries(settings.set)) {
    if (!known.includes(name)) {
      issues.push({ path: `set.${name}`, message: `unknown parameter '${name}' (one of ${known.join(', ')})` });
      continue;
    }
    const parsed = ParametersSchema.safeParse({ [name]: settingValue(raw) });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ path: `set.${name}`, message: issue.message });
      continue;
    }
    const d = parsed.data[name as ParameterName] as Domain<unknown> | undefined;
    if (d?.kind !== 'fixed') {
      issues.push({ path: `set.${name}`, message: 'give one value, not a search domain' });
      continue;
    }
    const inSpec = spec.parameters[name as ParameterName] as Domain<unknown> | undefined;
    if (inSpec?.kind === 'fixed' && JSON.stringify(inSpec.value) !== JSON.stringify(d.value)) {
      issues.push({ path: `set.${name}`, message: `${name} is fixed at ${JSON.stringify(inSpec.value)} by the sweep` });
      continue;
    }
    point[name as ParameterName] = d.value;
  }
  for (const [name, d] of Object.entries(spec.parameters) as [ParameterName, Domain<unknown> | undefined][]) {
    if (d?.kind === 'fixed') point[name] = d.value;
    else if (d && !(name in point) && !issues.some((i) => i.path === `set.${name}`))
      issues.push({ path: `set.${name}`, message: `${name} is searched by the sweep; give it with --set ${name}=VALUE` });
  }
  const variants = spec.models ?? (spec.model ? [spec.model] : []);
  let variant: ModelVariant | undefined = variants.length === 1 ? variants[0] : undefined;
  if (variants.length > 1) {
    variant = variants.find((v) => v.name === settings.variant);
    if (!variant)
      issues.push({
        path: 'variant',
        message: `the sweep has ${variants.length} model variants; name one with --variant (${variants.map((v) => v.name ?? v.architecture).join(', ')})`,
      });
  }
  for (const key of ['dropout', 'middleFlowRepeats', 'width'] as const) {
    if (variant?.[key] !== undefined && key in settings.set) issues.push({ path: `set.${key}`, message: `${key} is fixed by the model variant` });
  }
  return issues.length || !variant ? { ok: false, issues } : { ok: true, variant, point };
}

/** Parses a stored sweep spec (sweep.json keeps it as submitted). */
export function storedSpec(input: unknown): SweepSpec {
  const parsed = parseSweepSpec(input);
  if (!parsed.ok) throw new Error(`the stored spec no longer validates: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return parsed.spec;
}
