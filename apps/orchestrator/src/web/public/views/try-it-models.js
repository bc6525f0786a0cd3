// Which model the Try-it page runs: a trial's model files, or a promoted model (`name@alias` or
// `name@vN`, from GET /api/models). Each resolves to { title, url (model.json), classes, masked,
// classPriors }.
import { api } from '../lib/api.js';
import { classPriors } from '../lib/class-priors.js';

async function json(url) {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${res.statusText}`);
  return res.json();
}

/** FER2013's classes in its own order: the one fermx profile (fer2013) whose faces are not masked. */
const FER2013_CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

/**
 * Whether the model was trained on masked faces, so the page masks faces as `fermx predict
 * --mask auto` does (apps/gpu-worker/src/prediction/mask-decision.ts): a promoted model's lineage
 * says so; otherwise the classes decide (every fermx profile masks its faces except fer2013,
 * whose classes are FER2013's seven in order). Returns { masked, why }.
 */
export function trainedOnMasks(classes, lineage) {
  if (typeof lineage?.masked === 'boolean') return { masked: lineage.masked, why: `promoted from a ${lineage.masked ? 'masked' : 'unmasked'} dataset` };
  const fer2013 = classes.join(',') === FER2013_CLASSES.join(',');
  return { masked: !fer2013, why: fer2013 ? "FER2013's own classes (unmasked profile)" : 'classes of a masked FERM profile' };
}

function fromMetadata(title, base, metadata, lineage) {
  const classes = Array.isArray(metadata?.classes) ? metadata.classes.map(String) : [];
  if (classes.length === 0) throw new Error(`${base}metadata.json lists no classes`);
  const { masked, why } = trainedOnMasks(classes, lineage);
  return { title, url: `${base}model.json`, classes, masked, maskedWhy: why, classPriors: classPriors(classes, metadata), metadata };
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

/**
 * A promoted model by `name@alias` or `name@vN` (GET /api/models: versions carry their tag `vN`,
 * classes, whether the training faces were masked and their files' URL; aliases map to tags).
 */
export async function promotedModel(ref) {
  const [name, tag = 'production'] = ref.split('@');
  const model = (await promotedModels()).find((m) => m.name === name);
  if (!model) throw new Error(`no promoted model ${name}`);
  const version = /^v\d+$/.test(tag) ? tag : model.aliases?.[tag];
  const entry = (model.versions ?? []).find((v) => v.version === version);
  if (!entry) throw new Error(`model ${name} has no ${tag}`);
  return fromMetadata(`${name}@${tag} (${version})`, entry.filesUrl, await json(`${entry.filesUrl}metadata.json`), entry);
}
