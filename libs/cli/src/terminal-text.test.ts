import { describe, expect, it } from 'vitest';
import { terminalCell, terminalText } from './terminal-text.js';

describe('terminal text', () => {
  it('escapes ESC sequences, C1 controls, DEL and bidi overrides so the terminal shows them instead of obeying them', () => {
    expect(terminalCell('cnn\x1b[2J\x1b]0;pwned\x07')).toBe('cnn\\x1b[2J\\x1b]0;pwned\\x07');
    expect(terminalCell('a\u009b31mb\x7f')).toBe('a\\x9b31mb\\x7f');
    expect(terminalCell('evil\u202egnp.exe')).toBe('evil\\u202egnp.exe');
    expect(terminalCell('line\nbreak\ttab\rcr')).toBe('line\\x0abreak\\x09tab\\x0dcr');
  });

  it('keeps newlines in multi-line text and leaves ordinary text (accents, emoji, box drawing) alone', () => {
    expect(terminalText('one\ntwo\x1b[1A')).toBe('one\ntwo\\x1b[1A');
    const plain = 'M-Xception dropout=0.5 — ✓ [███░░] é 😀';
    expect(terminalText(plain)).toBe(plain);
    expect(terminalCell(plain)).toBe(plain);
  });
});
