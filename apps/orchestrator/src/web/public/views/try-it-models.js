// Which model the Try-it page runs: a trial's model files, or a promoted model (`name@alias` or
// `name@vN`, from GET /api/models). Each resolves to { title, url (model.json), classes, masked }.
import { api } from '../lib/api.js';

async function json(url) {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${res.statusText}`);
  return res.json();
}

/**
 * Whether the model was trained on masked faces (then the page masks unmasked faces, as
 * `fermx predict --mask auto` does): the model's own metadata says so when it was written by a
 * fermx that records it; otherwise the dataset's classes decide (FERM's four classes are masked).
 */
export function trainedOnMasks(metadata) {
  if (typeof metadata?.masked === 'boolean') return metadata.masked;
  if (typeof metadata?.dataset?.masked === 'boolean') return metadata.dataset.masked;
  return false;
}

function fromMetadata(title, base, metadata) {
  const classes = Array.isArray(metadata?.classes) ? metadata.classes.map(String) : [];
  if (classes.length === 0) throw new Error(`${base}metadata.json lists no classes`);
  return { title, url: `${base}model.json`, classes, masked: trainedOnMasks(metadata), metadata };
}

/** The model of a trial (its files as `fermx serve` lists them). */
export async function trialModel(trialId) {
  const detail = await api.trial(trialId);
  const names = new Set((detail.modelFiles ?? []).map((f) => f.name));
  if (!names.has('model.json')) throw new Error(`trial ${trialId} has no model files yet`);
  const base = `/api/trials/${encodeURIComponent(trialId)}/files/`;
  const metadata = names.has('metadata.json') ? await json(`${base}metadata.json`) : { classes: detail.result?.classes ?? [] };
  return fromMetadata(`trial ${trialId}`, base, metadata);
}

/** Promoted models: GET /api/models. */
export async function promotedModels() {
  const body = await json('/api/models');
  return Array.isArray(body) ? body : (body.models ?? []);
}

/** A promoted model by `name@alias` or `name@vN` (plain `name` = its production alias). */
export async function promotedModel(ref) {
  const [name, tag = 'production'] = ref.split('@');
  const detail = await json(`/api/models/${encodeURIComponent(name)}`);
  const versions = detail.versions ?? [];
  const version = /^v\d+$/.test(tag) ? tag : (detail.aliases?.[tag] ?? detail.aliases?.[tag]?.version);
  const entry = versions.find((v) => (v.version ?? v.name) === version);
  if (!entry) throw new Error(`no version ${tag} of model ${name}`);
  const base = entry.filesUrl ?? `/api/models/${encodeURIComponent(name)}/${encodeURIComponent(version)}/files/`;
  const metadata = entry.metadata ?? (await json(`${base}metadata.json`));
  return fromMetadata(`${name}@${tag}`, base, metadata);
}
