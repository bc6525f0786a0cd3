/** Why an input row was skipped; counted per kind in the manifest. */
export type RowIssueKind =
  | 'field-count'
  | 'unknown-emotion'
  | 'pixel-count'
  | 'pixel-value'
  | 'unknown-usage'
  | 'ferplus-missing'
  | 'ferplus-extra'
  | 'ferplus-mismatch'
  | 'ferplus-votes';

export interface RowIssue {
  kind: RowIssueKind;
  /** Which file and its 1-based line number (the header is line 1). */
  file: string;
  line: number;
  message: string;
}

export function formatIssue(issue: RowIssue): string {
  return `${issue.file}:${issue.line}: ${issue.message}`;
}
