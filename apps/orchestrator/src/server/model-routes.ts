import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { ModelAliasSchema, ModelRegistry, ModelRegistryError, registryKeys, type Lineage, type PromotedModel, type Storage } from '@fermx/data';
import { z } from 'zod';
import { HttpError, readBody, sendJson } from './http-io.js';
import type { IdKind } from './request-ids.js';

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[], url: URL) => Promise<void>;
/** Method, path pattern, id kind of each captured segment, handler: api.ts' route table entries. */
export type ModelRoute = [string, RegExp, IdKind[], Handler];

const PromoteBodySchema = z.strictObject({
  trialId: z.string().regex(/^t-[0-9a-f]{16}$/, 'must look like t-<16 hex>'),
  name: z.string(),
  alias: ModelAliasSchema.optional(),
});

const FILE_TYPES: Record<string, string> = { '.json': 'application/json', '.bin': 'application/octet-stream' };

/** One promoted version as the API shows it: `version` is the tag (`v3`) that aliases and URLs use. */
function versionView(name: string, lineage: Lineage, metadata?: unknown) {
  const tag = `v${lineage.version}`;
  return {
    version: tag,
    number: lineage.version,
    promotedAt: lineage.promotedAt,
    trial: lineage.trial,
    dataset: { version: lineage.dataset.version, masked: lineage.dataset.masked, classes: lineage.dataset.classes },
    model: lineage.model,
    backend: lineage.backend,
    metrics: lineage.metrics,
    epochsRun: lineage.epochsRun,
    ...(lineage.commit ? { commit: lineage.commit } : {}),
    classes: lineage.dataset.classes,
    masked: lineage.dataset.masked,
    filesUrl: `/api/models/${name}/${tag}/files/`,
    files: lineage.files,
    ...(metadata !== undefined ? { metadata } : {}),
  };
}

function modelView(model: PromotedModel, metadata?: Map<number, unknown>) {
  const aliases = Object.fromEntries(Object.entries(model.aliases).map(([alias, n]) => [alias, `v${n}`]));
  return {
    name: model.name,
    aliases,
    latest: `v${model.versions.at(-1)!.version}`,
    versions: model.versions.map((v) => versionView(model.name, v, metadata?.get(v.version))),
    history: model.history.map((m) => ({ alias: m.alias, from: m.from === null ? null : `v${m.from}`, to: `v${m.to}`, at: m.at })),
  };
}

/** Registry errors as HTTP errors, without storage locations in the body. */
function httpError(error: unknown, storage: Storage): never {
  if (error instanceof ModelRegistryError)
    throw new HttpError(error.kind === 'not-found' ? 404 : 400, error.message.replaceAll(storage.uri, 'storage').replace(/ in storage\b.*$/, ''));
  throw error;
}

/**
 * The promoted-model routes of `fermx serve` (docs/PREDICT.md "Promotion"): reads are open like
 * every read; `POST /api/models/promote` is a write, so api.ts' write gate (same origin, bearer
 * token, JSON body) runs before it.
 */
export function modelRoutes(storage: Storage): ModelRoute[] {
  const registry = new ModelRegistry(storage);
  const decoder = new TextDecoder();
  return [
    [
      'GET',
      /^\/api\/models$/,
      [],
      async (_req, res) => {
        sendJson(res, 200, { models: (await registry.list()).map((m) => modelView(m)) });
      },
    ],
    [
      'POST',
      /^\/api\/models\/promote$/,
      [],
      async (req, res) => {
        let body: z.infer<typeof PromoteBodySchema>;
        try {
          const parsed = PromoteBodySchema.safeParse(JSON.parse(await readBody(req)));
          if (!parsed.success)
            throw new HttpError(
              400,
              'invalid promotion',
              parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
            );
          body = parsed.data;
        } catch (error) {
          if (error instanceof HttpError) throw error;
          throw new HttpError(400, 'body is not JSON: expected {"trialId", "name", "alias"?}');
        }
        try {
          const lineage = await registry.promote({ ...body, ...(body.alias ? { alias: body.alias } : {}) });
          sendJson(res, 201, { name: lineage.name, ...versionView(lineage.name, lineage), ...(body.alias ? { alias: body.alias } : {}) });
        } catch (error) {
          httpError(error, storage);
        }
      },
    ],
    [
      'GET',
      /^\/api\/models\/([^/]+)$/,
      ['modelName'],
      async (_req, res, [name]) => {
        const model = await registry.get(name!);
        if (model.versions.length === 0) throw new HttpError(404, `no promoted model ${name}`);
        const metadata = new Map<number, unknown>();
        for (const v of model.versions) {
          const bytes = await storage.getOptional(`${registryKeys.version(model.name, v.version)}/metadata.json`);
          // The page decides masking from the metadata: the lineage knows what the training data was.
          if (bytes) metadata.set(v.version, { ...(JSON.parse(decoder.decode(bytes)) as object), masked: v.dataset.masked });
        }
        sendJson(res, 200, modelView(model, metadata));
      },
    ],
    [
      'GET',
      /^\/api\/models\/([^/]+)\/([^/]+)\/files\/([^/]+)$/,
      ['modelName', 'modelVersion', 'fileName'],
      async (_req, res, [name, version, file]) => {
        const bytes = await storage.getOptional(`${registryKeys.version(name!, Number(version!.slice(1)))}/${file}`);
        if (!bytes || file === 'lineage.json') throw new HttpError(404, `no file ${file} in model ${name} ${version}`);
        res.statusCode = 200;
        res.setHeader('Content-Type', FILE_TYPES[extname(file!)] ?? 'application/octet-stream');
        res.setHeader('Content-Length', bytes.byteLength);
        res.end(bytes);
      },
    ],
  ];
}
