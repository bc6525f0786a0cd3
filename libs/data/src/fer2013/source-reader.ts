import { basename } from 'node:path';
import { readLines } from './line-reader.js';
import { NotFer2013Error, parseHeader, parseRow, type Fer2013Row } from './fer2013-row.js';
import { parseFerPlusHeader, parseFerPlusRow, type FerPlusVotes } from './ferplus.js';
import type { RowIssue } from './row-issue.js';

export interface SourceRow extends Fer2013Row {
  ferplus?: FerPlusVotes;
}

export type SourceItem = { row: SourceRow } | { issue: RowIssue };

/** How many leading rows must be garbage before a file counts as "not FER2013 at all". */
const GARBAGE_PROBE = 20;

/**
 * Streams FER2013 rows joined with FER+ votes BY ROW ORDER (the shared README: image names do not
 * match row indexes). Bad rows become issues naming file and line; a FER+ row whose Usage
 * disagrees, or a FER+ file with too few or too many rows, is reported row by row.
 */
export async function* readSource(options: { source: string; ferplus?: string; limit?: number }): AsyncGenerator<SourceItem> {
  const sourceName = basename(options.source);
  const ferName = options.ferplus ? basename(options.ferplus) : '';
  const lines = readLines(options.source);
  const ferLines = options.ferplus ? readLines(options.ferplus) : undefined;
  try {
    const first = await lines.next();
    if (first.done) throw new NotFer2013Error(`${options.source} is empty: expected a FER2013 CSV`);
    const header = parseHeader(first.value, options.source);
    let ferHeader;
    if (ferLines) {
      const ferFirst = await ferLines.next();
      if (ferFirst.done) throw new NotFer2013Error(`${options.ferplus} is empty: expected FER+ votes`);
      ferHeader = parseFerPlusHeader(ferFirst.value, options.ferplus ?? '');
    }
    let lineNumber = 1;
    let ferLineNumber = 1;
    let index = 0;
    let good = 0;
    let ferDone = false;
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      if (options.limit !== undefined && index >= options.limit) break;
      const rowIndex = index++;
      let ferplus: FerPlusVotes | string | undefined;
      let ferLine = 0;
      if (ferLines && ferHeader && !ferDone) {
        const next = await ferLines.next();
        if (next.done) ferDone = true;
        else {
          ferLine = ++ferLineNumber;
          ferplus = parseFerPlusRow(next.value, ferHeader);
        }
      }
      const parsed = parseRow(line, header, rowIndex, lineNumber);
      if (!parsed.ok) {
        if (good === 0 && rowIndex + 1 >= GARBAGE_PROBE) {
          throw new NotFer2013Error(
            `${options.source} does not look like FER2013: its first ${GARBAGE_PROBE} rows are all invalid (line ${lineNumber}: ${parsed.message})`,
          );
        }
        yield { issue: { kind: parsed.kind, file: sourceName, line: lineNumber, message: parsed.message } };
        continue;
      }
      good++;
      if (ferLines) {
        if (ferDone) {
          yield {
            issue: {
              kind: 'ferplus-missing',
              file: sourceName,
              line: lineNumber,
              message: `no FER+ row for source row ${rowIndex} (${ferName} ended at line ${ferLineNumber})`,
            },
          };
          continue;
        }
        if (typeof ferplus === 'string') {
          yield { issue: { kind: 'ferplus-votes', file: ferName, line: ferLine, message: `${ferplus} (FER+ row for ${sourceName} line ${lineNumber})` } };
          continue;
        }
        if (ferplus && ferplus.usage !== parsed.row.usage) {
          yield {
            issue: {
              kind: 'ferplus-mismatch',
              file: ferName,
              line: ferLine,
              message: `FER+ Usage "${ferplus.usage}" does not line up with ${sourceName} line ${lineNumber} (Usage "${parsed.row.usage}"): the files must be in the same row order`,
            },
          };
          continue;
        }
      }
      yield { row: ferplus && typeof ferplus !== 'string' ? { ...parsed.row, ferplus } : parsed.row };
    }
    if (ferLines && !ferDone && options.limit === undefined) {
      for await (const extra of ferLines) {
        ferLineNumber++;
        if (extra.trim() === '') continue;
        yield {
          issue: { kind: 'ferplus-extra', file: ferName, line: ferLineNumber, message: `FER+ row without a FER2013 row (${sourceName} has ${index} rows)` },
        };
      }
    }
    if (index === 0) throw new NotFer2013Error(`${options.source} has a FER2013 header but no rows`);
  } finally {
    await lines.return(undefined);
    await ferLines?.return(undefined);
  }
}
