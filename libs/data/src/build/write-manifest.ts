import { formatIssue } from '../fer2013/row-issue.js';
import { BUILDER_VERSION } from './build-config.js';
import type { BuildPlan } from './build-plan.js';
import { sha256 } from './checksum.js';
import type { LabelledRows } from './labelled-rows.js';
import { ISSUES_KEY, MANIFEST_KEY, PREVIEW_KEY, type Manifest, type ShardInfo, type SourceInfo } from './manifest.js';
import { renderPreview, type PreviewSample } from './preview.js';
import type { Selection } from './select-rows.js';
import { SPLITS } from './selection.js';
import { put, putIfChanged, type WriteContext } from './write-context.js';

/** `preview.png` (before/after pairs of the train split) and `issues.txt` (every bad row). */
export async function writePreviewAndIssues(ctx: WriteContext, plan: BuildPlan, labelled: LabelledRows, selection: Selection): Promise<void> {
  const previewSamples: PreviewSample[] = [];
  for (const c of selection.splits.train) {
    previewSamples.push({ label: c.emotion, original: labelled.rows.get(c.index)!.original, ...(plan.unmasked ? {} : { masked: c.image }) });
  }
  const preview = await renderPreview(previewSamples, plan.classes);
  await putIfChanged(ctx, PREVIEW_KEY, preview, sha256(preview));
  const issueText = labelled.issues.map(formatIssue).join('\n') + (labelled.issues.length ? '\n' : '');
  await putIfChanged(ctx, ISSUES_KEY, issueText, sha256(issueText));
}

export interface ManifestParts {
  plan: BuildPlan;
  labelled: LabelledRows;
  /** Rows that went through the face stage. */
  processed: number;
  selection: Selection;
  /** Labelled rows left out for `config.holdOut`, other copies of held-out images included. */
  heldOut: number;
  /** Labelled rows left out for `config.dropDuplicates`. */
  duplicates: number;
  shards: ShardInfo[];
  splits: Manifest['splits'];
  sources: { fer2013: SourceInfo; ferplus: SourceInfo | undefined };
}

export function assembleManifest({ plan, labelled, processed, selection, heldOut, duplicates, shards, splits, sources }: ManifestParts): Manifest {
  const invalid: Manifest['rows']['invalid'] = {};
  for (const issue of labelled.issues) invalid[issue.kind] = (invalid[issue.kind] ?? 0) + 1;
  const selected = SPLITS.reduce((sum, s) => sum + selection.splits[s].length, 0);
  const source = (s: SourceInfo): SourceInfo => ({ file: s.file, sha256: s.sha256, bytes: s.bytes });
  return {
    format: 'fermx-dataset/1',
    classes: plan.classes,
    labels: sources.ferplus ? 'ferplus' : 'fer2013',
    image: { height: 48, width: 48, channels: 1, masked: !plan.unmasked },
    splits,
    shards,
    builder: {
      version: BUILDER_VERSION,
      config: plan.fullConfig,
      detector: plan.detectorName,
      buildKey: plan.buildKey,
    },
    sources: { fer2013: source(sources.fer2013), ...(sources.ferplus ? { ferplus: source(sources.ferplus) } : {}) },
    rows: {
      read: labelled.read,
      invalid,
      unlabelled: labelled.unlabelled,
      otherClasses: labelled.otherClasses,
      processed,
      filtered: selection.filtered,
      capped: selection.capped,
      ...(plan.fullConfig.overCap === 'train' ? { overCapTrained: selection.overCapTrained } : {}),
      ...(heldOut > 0 ? { heldOut } : {}),
      ...(plan.fullConfig.dropDuplicates ? { duplicates } : {}),
      selected,
    },
    issues: { total: labelled.issues.length, examples: labelled.issues.slice(0, 100).map(formatIssue) },
    preview: PREVIEW_KEY,
  };
}

/** The manifest goes last: it is what makes the build visible to readers. */
export async function writeManifest(ctx: WriteContext, manifest: Manifest): Promise<void> {
  await put(ctx, MANIFEST_KEY, JSON.stringify(manifest, null, 2) + '\n', 'application/json');
}
