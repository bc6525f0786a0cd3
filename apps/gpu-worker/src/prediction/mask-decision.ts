import { FER2013_EMOTIONS } from '@fermx/data';

export const MASK_MODES = ['auto', 'always', 'never'] as const;
export type MaskMode = (typeof MASK_MODES)[number];

/** Whether predict draws fermx's synthetic mask on faces, and why (printed with the results). */
export interface MaskDecision {
  draw: boolean;
  reason: string;
}

/**
 * `always`/`never` are the user's word. `auto`: draw when the model was trained on masked faces
 * (lineage or dataset manifest). When neither can be read, the classes decide: every fermx
 * dataset profile masks its faces except `fer2013`, whose classes are FER2013's seven in order.
 */
export function decideMask(mode: MaskMode, trained: { masked: boolean | null; maskedFrom: string; classes: readonly string[] }): MaskDecision {
  if (mode === 'always') return { draw: true, reason: '--mask always' };
  if (mode === 'never') return { draw: false, reason: '--mask never' };
  if (trained.masked !== null) return { draw: trained.masked, reason: `trained on ${trained.masked ? 'masked' : 'unmasked'} faces (${trained.maskedFrom})` };
  const fer2013 = trained.classes.join(',') === FER2013_EMOTIONS.join(',');
  return {
    draw: !fer2013,
    reason: `${trained.maskedFrom}; classes [${trained.classes.join(', ')}] are ${fer2013 ? "FER2013's own (unmasked profile)" : 'those of a masked FERM profile'}`,
  };
}
