/**
 * Text from datasets, sweep specs, workers or storage (names, URIs, headers, failure reasons)
 * printed to an operator's terminal: every control character — ESC sequences that move the cursor,
 * retitle the window or hide text, C1 controls, DEL — and the bidirectional overrides that reorder
 * what is shown are written as visible escapes (`\x1b`, `\u202e`) instead of being obeyed.
 */
const UNSAFE_LINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_CELL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function visible(char: string): string {
  const code = char.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Multi-line output: newlines stay, every other control character is escaped. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE_LINE, visible);
}

/** One table cell or one-line field: newlines and tabs are escaped too. */
export function terminalCell(text: string): string {
  return text.replace(UNSAFE_CELL, visible);
}
