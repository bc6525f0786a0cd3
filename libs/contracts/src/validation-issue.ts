import type { z } from 'zod';

/** One problem with an input, located by a dotted path such as `parameters.dropout.grid[1]`. */
export interface ValidationIssue {
  path: string;
  message: string;
}

export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues
    .map((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      // An unknown key is reported at the key itself, so the path names the bad field.
      if (keys.length > 0) return keys.map((k) => ({ path: formatIssuePath([...issue.path, k]), message: `unknown key '${k}'` }));
      return [{ path: formatIssuePath(issue.path), message: issue.message }];
    })
    .flat();
}

/** Thrown when an input (sweep spec, job data) fails validation; carries every issue. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    readonly subject: string,
    readonly issues: ValidationIssue[],
  ) {
    super(`${subject} is invalid:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
  }
}
