import { HttpError } from './http-io.js';

/**
 * The shapes of the ids a URL may carry, as libs/contracts makes them: a trial id is `t-` + 16 hex
 * (trialIdOf), a sweep id a lowercase slug of the sweep name + `-` + 8 hex (sweepIdOf; names are
 * at most 64 characters). A file name is one plain path segment.
 */
export const ID_PATTERNS = {
  trialId: /^t-[0-9a-f]{16}$/,
  sweepId: /^[a-z0-9](?:[a-z0-9-]{0,63})-[0-9a-f]{8}$/,
  fileName: /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
  /** A promoted model's name (@fermx/data MODEL_NAME) and version tag (`v3`). */
  modelName: /^[a-z0-9][a-z0-9-]{0,62}$/,
  modelVersion: /^v[1-9][0-9]{0,5}$/,
} as const;

export type IdKind = keyof typeof ID_PATTERNS;

const LABEL: Record<IdKind, string> = {
  trialId: 'trial id',
  sweepId: 'sweep id',
  fileName: 'file name',
  modelName: 'model name',
  modelVersion: 'model version',
};

/**
 * Decodes one URL path segment and checks it against its id shape: a malformed escape
 * (`%E0%A4`), a `..`, a NUL or anything else off-shape is a 400 that echoes nothing back.
 */
export function requestId(kind: IdKind, segment: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `malformed ${LABEL[kind]}: bad percent-encoding`);
  }
  if (!ID_PATTERNS[kind].test(decoded)) throw new HttpError(400, `malformed ${LABEL[kind]}`, [{ path: kind, message: `not a ${LABEL[kind]}` }]);
  return decoded;
}
