import { viewCount, type TestTimeAugmentation } from '@fermx/models';
import type { FileOutcome } from './predict-files.js';

const pct = (p: number) => `${(p * 100).toFixed(1)}%`;

/** How each face is read, for the header line: `one view` or `tta flip-shift (10 views)`. */
export function viewsText(tta: TestTimeAugmentation): string {
  return tta === 'none' ? 'one view per face' : `tta ${tta} (${viewCount(tta)} views per face)`;
}

/** Human-readable lines for one file: each face's box, top class and every class probability. */
export function formatFileOutcome(outcome: FileOutcome): string {
  if ('error' in outcome) return `${outcome.file}: ERROR ${outcome.error}\n`;
  const lines = [
    `${outcome.file} (${outcome.width}×${outcome.height}): ${outcome.faces.length === 0 ? 'no face found' : `${outcome.faces.length} face${outcome.faces.length === 1 ? '' : 's'}`}`,
  ];
  outcome.faces.forEach((face, i) => {
    const { x, y, width, height } = face.box;
    const probabilities = Object.entries(face.probabilities)
      .map(([label, p]) => `${label} ${pct(p)}`)
      .join('  ');
    lines.push(`  face ${i + 1}  box x=${x} y=${y} ${width}×${height}  → ${face.top.label} ${pct(face.top.probability)}${face.masked ? '  (mask drawn)' : ''}`);
    lines.push(`          ${probabilities}`);
  });
  if (outcome.annotated) lines.push(`  annotated: ${outcome.annotated}`);
  return `${lines.join('\n')}\n`;
}

/** `--json`: one entry per face per file, plus the files that failed or had no face. */
export function predictionsJson(outcomes: readonly FileOutcome[], header: Record<string, unknown>): unknown {
  return {
    ...header,
    faces: outcomes.flatMap((o) => ('error' in o ? [] : o.faces.map((face, i) => ({ file: o.file, face: i + 1, ...face })))),
    files: outcomes.map((o) =>
      'error' in o
        ? { file: o.file, error: o.error }
        : { file: o.file, width: o.width, height: o.height, faces: o.faces.length, ...(o.annotated ? { annotated: o.annotated } : {}) },
    ),
  };
}
