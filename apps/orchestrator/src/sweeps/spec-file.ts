import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';

/** A sweep file that could not be read or is not well-formed YAML/JSON. */
export class SpecFileError extends Error {
  override readonly name = 'SpecFileError';
}

/** Reads a sweep spec file: `.json` as JSON, anything else as YAML (JSON is YAML too). */
export async function readSpecFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SpecFileError(`cannot read sweep file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseSpecText(text, path);
}

export function parseSpecText(text: string, source: string): unknown {
  if (extname(source).toLowerCase() === '.json') {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new SpecFileError(`${source}: not valid JSON: ${(error as Error).message}`);
    }
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SpecFileError(`${source}: not valid YAML:\n${doc.errors.map((e) => `  ${e.message.split('\n')[0]}`).join('\n')}`);
  }
  return doc.toJS();
}
