import { describe, expect, it } from 'vitest';
import { decideMask } from './mask-decision.js';

const FERM = ['neutral', 'sad', 'surprise', 'angry'];
const FER2013 = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

describe('decideMask', () => {
  it("always/never are the user's word", () => {
    expect(decideMask('always', { masked: false, maskedFrom: 'x', classes: FER2013 }).draw).toBe(true);
    expect(decideMask('never', { masked: true, maskedFrom: 'x', classes: FERM }).draw).toBe(false);
  });

  it('auto follows the lineage or manifest when it says', () => {
    expect(decideMask('auto', { masked: true, maskedFrom: 'lineage', classes: FER2013 })).toEqual({ draw: true, reason: 'trained on masked faces (lineage)' });
    expect(decideMask('auto', { masked: false, maskedFrom: 'manifest', classes: FERM }).draw).toBe(false);
  });

  it("auto falls back on the classes when nothing says: FER2013's seven are the unmasked profile", () => {
    expect(decideMask('auto', { masked: null, maskedFrom: 'unreadable', classes: FER2013 }).draw).toBe(false);
    const ferm = decideMask('auto', { masked: null, maskedFrom: 'unreadable', classes: FERM });
    expect(ferm.draw).toBe(true);
    expect(ferm.reason).toMatch(/unreadable; classes \[neutral, sad, surprise, angry\] are those of a masked FERM profile/);
  });
});
