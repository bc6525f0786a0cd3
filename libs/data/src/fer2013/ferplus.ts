import { FERPLUS_COLUMNS, USAGES, type Emotion, type Usage } from './emotions.js';

/** FER+ votes for one row, in FERPLUS_COLUMNS order (10 numbers). */
export interface FerPlusVotes {
  usage: Usage;
  votes: number[];
}

/** Column names as fer2013new.csv spells them, in FERPLUS_COLUMNS order. */
const FERPLUS_FILE_COLUMNS = ['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear', 'contempt', 'unknown', 'NF'];

export interface FerPlusHeader {
  usage: number;
  votes: number[];
}

export class NotFerPlusError extends Error {
  override readonly name = 'NotFerPlusError';
}

export function parseFerPlusHeader(line: string, file: string): FerPlusHeader {
  const names = line
    .replace(/^\uFEFF/, '')
    .trim()
    .split(',')
    .map((n) => n.trim());
  const lower = names.map((n) => n.toLowerCase());
  const usage = lower.indexOf('usage');
  const votes = FERPLUS_FILE_COLUMNS.map((c) => lower.indexOf(c.toLowerCase()));
  if (usage < 0 || votes.some((v) => v < 0)) {
    throw new NotFerPlusError(
      `${file} is not a FER+ votes file (fer2013new.csv): header is "${line.slice(0, 100).replace(/[^\x20-\x7e…]/g, '?')}", expected "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF"`,
    );
  }
  return { usage, votes };
}

export function parseFerPlusRow(line: string, header: FerPlusHeader): FerPlusVotes | string {
  const fields = line.split(',');
  const usage = (fields[header.usage] ?? '').trim();
  if (!(USAGES as readonly string[]).includes(usage)) return `unknown Usage "${usage}"`;
  const votes: number[] = [];
  for (const [i, column] of header.votes.entries()) {
    const text = (fields[column] ?? '').trim();
    if (!/^\d{1,3}$/.test(text)) return `vote "${FERPLUS_COLUMNS[i]}" is "${text}", expected a count`;
    votes.push(Number(text));
  }
  if (votes.reduce((a, b) => a + b, 0) === 0) return 'no votes';
  return { usage: usage as Usage, votes };
}

export type FerPlusLabel = { ok: true; emotion: Emotion; agreement: number } | { ok: false; reason: 'not-a-face' | 'unknown' | 'tie'; agreement: number };

/**
 * Majority vote over all ten columns (as in the FER+ paper): a row whose top column is
 * "unknown" or "NF" (not a face) is dropped; a tie for the top has no label. Agreement is the
 * top count over all votes, for the configurable minimum-agreement filter.
 */
export function ferPlusLabel(votes: readonly number[]): FerPlusLabel {
  let best = 0;
  for (let i = 1; i < votes.length; i++) if ((votes[i] ?? 0) > (votes[best] ?? 0)) best = i;
  const top = votes[best] ?? 0;
  const total = votes.reduce((a, b) => a + b, 0);
  const agreement = total > 0 ? top / total : 0;
  const column = FERPLUS_COLUMNS[best];
  if (column === 'NF') return { ok: false, reason: 'not-a-face', agreement };
  if (column === 'unknown') return { ok: false, reason: 'unknown', agreement };
  if (votes.filter((v) => v === top).length > 1) return { ok: false, reason: 'tie', agreement };
  return { ok: true, emotion: column as Emotion, agreement };
}
