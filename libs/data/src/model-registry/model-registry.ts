import { runKeys, TrialResultSchema, type TrialResult } from '@fermx/contracts';
import { openStorage } from '../storage/open-storage.js';
import { DEFAULT_STORAGE_URI } from '../storage/storage-uri.js';
import type { Storage } from '../storage/storage.js';
import {
  AliasesFileSchema,
  LineageSchema,
  MODEL_ALIASES,
  ModelAliasSchema,
  ModelNameSchema,
  type AliasesFile,
  type Lineage,
  type ModelAlias,
} from './registry-schema.js';

/** A model reference the registry cannot resolve, or a promotion it refuses: the message says which and why. */
export class ModelRegistryError extends Error {
  override readonly name = 'ModelRegistryError';
  /** `not-found`: no such trial, model, alias or version; `invalid`: a request the registry refuses. */
  constructor(
    message: string,
    readonly kind: 'not-found' | 'invalid' = 'invalid',
  ) {
    super(message);
  }
}

export interface PromotedModel {
  name: string;
  versions: Lineage[];
  aliases: AliasesFile['aliases'];
  history: AliasesFile['history'];
}

export interface PromoteRequest {
  trialId: string;
  name: string;
  alias?: ModelAlias;
  /** Git commit of the promoting checkout, recorded when the trial's result names none. */
  commit?: string;
  env?: NodeJS.ProcessEnv;
}

const decoder = new TextDecoder();
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const TRIAL_ID = /^t-[0-9a-f]{16}$/;
/** `name@production`, `name@candidate`, `name@v3`. */
const REFERENCE = /^([a-z0-9][a-z0-9-]{0,62})@(production|candidate|v[1-9][0-9]*)$/;

export const registryKeys = {
  dir: (name: string) => `models/${name}`,
  version: (name: string, version: number) => `models/${name}/v${version}`,
  lineage: (name: string, version: number) => `models/${name}/v${version}/lineage.json`,
  aliases: (name: string) => `models/${name}/aliases.json`,
} as const;

/** True for `name@alias` / `name@vN` references (as opposed to a folder, URI or trial id). */
export function isModelReference(text: string): boolean {
  return REFERENCE.test(text);
}

/** Whether MODEL names a storage location (a folder, file://, s3://) rather than a registry entry or a trial id. */
export function isModelLocation(reference: string): boolean {
  return !REFERENCE.test(reference) && !TRIAL_ID.test(reference);
}

/**
 * Promoted models in storage: `models/<name>/v<N>/` holds a copy of a trial's model files and
 * `lineage.json`; `models/<name>/aliases.json` says which version `production` and `candidate`
 * point at, with every move. Storage is the only state (no Redis), so the CLI, the HTTP API and
 * the page read the same registry. One writer per model name at a time (docs/PREDICT.md).
 */
export class ModelRegistry {
  constructor(readonly storage: Storage) {}

  /** The registry in FERMX_STORAGE (default DEFAULT_STORAGE_URI), S3 settings from env. */
  static fromEnv(env: NodeJS.ProcessEnv): ModelRegistry {
    return new ModelRegistry(openStorage(env.FERMX_STORAGE ?? DEFAULT_STORAGE_URI, env));
  }

  /** Finds a trial's result in storage by its id alone (`runs/<sweep>/<trial>/result.json`). */
  async findTrial(trialId: string): Promise<TrialResult> {
    if (!TRIAL_ID.test(trialId)) throw new ModelRegistryError(`'${trialId}' is not a trial id (t- and 16 hex digits)`);
    const keys = (await this.storage.list(runKeys.root)).filter((key) => runKeys.parseResult(key)?.trialId === trialId);
    if (keys.length === 0) throw new ModelRegistryError(`no finished trial ${trialId} in ${this.storage.uri} (no runs/*/${trialId}/result.json)`, 'not-found');
    const parsed = TrialResultSchema.safeParse(JSON.parse(decoder.decode(await this.storage.get(keys[0]!))));
    if (!parsed.success)
      throw new ModelRegistryError(
        `${this.storage.uriOf(keys[0]!)} is not a trial result: ${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
          .join('; ')}`,
      );
    return parsed.data;
  }

  /** Storage URI of a trial's model folder. */
  async trialModelUri(trialId: string): Promise<string> {
    const result = await this.findTrial(trialId);
    return this.storage.uriOf(runKeys.model(result.sweepId, result.trialId));
  }

  async promote(request: PromoteRequest): Promise<Lineage> {
    const name = ModelNameSchema.safeParse(request.name);
    if (!name.success) throw new ModelRegistryError(`model name '${request.name}': ${name.error.issues[0]!.message}`);
    if (request.alias !== undefined && !ModelAliasSchema.safeParse(request.alias).success) {
      throw new ModelRegistryError(`alias '${request.alias}' must be one of ${MODEL_ALIASES.join(', ')}`);
    }
    const result = await this.findTrial(request.trialId);
    const modelDir = `${runKeys.model(result.sweepId, result.trialId)}/`;
    const files = (await this.storage.list(modelDir)).map((key) => key.slice(modelDir.length)).filter((file) => !file.includes('/'));
    for (const needed of ['model.json', 'weights.bin', 'metadata.json']) {
      if (!files.includes(needed)) throw new ModelRegistryError(`trial ${result.trialId} has no ${needed} in ${this.storage.uriOf(modelDir)}`, 'not-found');
    }
    const version = (await this.latestVersion(name.data)) + 1;
    for (const file of files) {
      await this.storage.put(`${registryKeys.version(name.data, version)}/${file}`, await this.storage.get(`${modelDir}${file}`), {
        contentType: file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      });
    }
    const specBytes = await this.storage.getOptional(runKeys.config(result.sweepId, result.trialId));
    const resultCommit = (result as { commit?: unknown }).commit;
    const commit =
      typeof resultCommit === 'string'
        ? { sha: resultCommit, of: 'trial' as const }
        : request.commit
          ? { sha: request.commit, of: 'promoting-checkout' as const }
          : undefined;
    const lineage: Lineage = {
      name: name.data,
      version,
      promotedAt: new Date().toISOString(),
      trial: { trialId: result.trialId, sweepId: result.sweepId, sweepName: result.sweepName, ...(result.variant ? { variant: result.variant } : {}) },
      ...(specBytes ? { spec: JSON.parse(decoder.decode(specBytes)) as unknown } : {}),
      dataset: {
        uri: result.dataset.uri,
        version: result.dataset.version,
        masked: await datasetMasked(result.dataset.uri, request.env),
        classes: result.metrics.classes,
      },
      model: result.model,
      training: result.training,
      backend: result.backend,
      metrics: {
        valAccuracy: result.metrics.valAccuracy,
        macroF1: result.metrics.macroF1,
        ...(result.metrics.testAccuracy !== undefined ? { testAccuracy: result.metrics.testAccuracy } : {}),
        ...(result.metrics.testSplit !== undefined ? { testSplit: result.metrics.testSplit } : {}),
        perClassAccuracy: result.metrics.perClassAccuracy,
      },
      epochsRun: result.epochsRun,
      source: this.storage.uriOf(runKeys.model(result.sweepId, result.trialId)),
      ...(commit ? { commit } : {}),
      files,
    };
    await this.storage.put(registryKeys.lineage(name.data, version), json(lineage), { contentType: 'application/json' });
    if (request.alias) await this.moveAlias(name.data, request.alias, version);
    return lineage;
  }

  /** Points `alias` of `name` at `version` and records the move. */
  async moveAlias(name: string, alias: ModelAlias, version: number): Promise<AliasesFile> {
    if (!(await this.storage.exists(registryKeys.lineage(name, version))))
      throw new ModelRegistryError(`model ${name} has no version v${version}`, 'not-found');
    const file = await this.readAliases(name);
    const from = file.aliases[alias] ?? null;
    if (from === version) return file;
    const next: AliasesFile = {
      aliases: { ...file.aliases, [alias]: version },
      history: [...file.history, { alias, from, to: version, at: new Date().toISOString() }],
    };
    await this.storage.put(registryKeys.aliases(name), json(next), { contentType: 'application/json' });
    return next;
  }

  async list(): Promise<PromotedModel[]> {
    const keys = await this.storage.list('models/');
    const names = [...new Set(keys.map((key) => key.split('/')[1]!).filter((name) => ModelNameSchema.safeParse(name).success))].sort();
    const models: PromotedModel[] = [];
    for (const name of names) {
      const model = await this.get(name);
      if (model.versions.length > 0) models.push(model);
    }
    return models;
  }

  async get(name: string): Promise<PromotedModel> {
    const lineageKeys = (await this.storage.list(`${registryKeys.dir(name)}/`)).filter((key) => /\/v[1-9][0-9]*\/lineage\.json$/.test(key));
    const versions: Lineage[] = [];
    for (const key of lineageKeys) {
      const parsed = LineageSchema.safeParse(JSON.parse(decoder.decode(await this.storage.get(key))));
      if (parsed.success) versions.push(parsed.data);
    }
    versions.sort((a, b) => a.version - b.version);
    const { aliases, history } = await this.readAliases(name);
    return { name, versions, aliases, history };
  }

  /**
   * MODEL, as `fermx predict` and `initFrom` take it → its folder's URI: `name@alias` / `name@vN`
   * (with the promotion's lineage), a trial id (its `runs/<sweep>/<trial>/model`), or a folder
   * path / file:// / s3:// URI, returned as given. Reads only the registry and the runs' results.
   */
  async modelFolder(reference: string): Promise<{ uri: string; lineage?: Lineage }> {
    if (REFERENCE.test(reference)) return this.resolve(reference);
    if (TRIAL_ID.test(reference)) return { uri: await this.trialModelUri(reference) };
    return { uri: reference };
  }

  /** `name@production` / `name@candidate` / `name@v3` → the version's lineage and its folder's URI. */
  async resolve(reference: string): Promise<{ uri: string; lineage: Lineage }> {
    const match = REFERENCE.exec(reference);
    if (!match) throw new ModelRegistryError(`'${reference}' is not a model reference (name@production, name@candidate or name@vN)`);
    const [, name, tag] = match as unknown as [string, string, string];
    let version: number;
    if (tag.startsWith('v')) {
      version = Number(tag.slice(1));
    } else {
      const { aliases } = await this.readAliases(name);
      const pointed = aliases[tag as ModelAlias];
      if (pointed === undefined)
        throw new ModelRegistryError(`model ${name} has no ${tag} alias in ${this.storage.uri} (fermx model list shows what is promoted)`, 'not-found');
      version = pointed;
    }
    const bytes = await this.storage.getOptional(registryKeys.lineage(name, version));
    if (!bytes) throw new ModelRegistryError(`model ${name} has no version v${version} in ${this.storage.uri}`, 'not-found');
    return { uri: this.storage.uriOf(registryKeys.version(name, version)), lineage: LineageSchema.parse(JSON.parse(decoder.decode(bytes))) };
  }

  private async latestVersion(name: string): Promise<number> {
    const keys = await this.storage.list(`${registryKeys.dir(name)}/`);
    return keys.reduce((max, key) => Math.max(max, Number(/\/v([1-9][0-9]*)\//.exec(key)?.[1] ?? 0)), 0);
  }

  private async readAliases(name: string): Promise<AliasesFile> {
    const bytes = await this.storage.getOptional(registryKeys.aliases(name));
    return bytes ? AliasesFileSchema.parse(JSON.parse(decoder.decode(bytes))) : { aliases: {}, history: [] };
  }
}

/**
 * Whether a dataset's faces wear fermx's masks, from its manifest: `image.masked`, or for
 * manifests older than that field, every profile but `fer2013` masks. Null when it cannot be read.
 */
export async function datasetMasked(datasetUri: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean | null> {
  try {
    const bytes = await openStorage(datasetUri, env).getOptional('manifest.json');
    if (!bytes) return null;
    const manifest = JSON.parse(decoder.decode(bytes)) as { image?: { masked?: boolean }; builder?: { config?: { profile?: string } } };
    if (typeof manifest.image?.masked === 'boolean') return manifest.image.masked;
    return manifest.builder?.config?.profile !== 'fer2013';
  } catch {
    return null;
  }
}
