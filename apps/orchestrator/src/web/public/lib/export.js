// Client-side download of a table as CSV or JSON (a Blob, nothing goes to the server). CSV cells
// follow `fermx leaderboard --csv` (apps/orchestrator/src/terminal/table.ts): text that starts like
// a formula (= + - @ tab CR) gets a leading ' so spreadsheets show it as text; numbers stay numbers;
// control characters are escaped as \xNN.

const FORMULA_START = /^[=+\-@\t\r]/;
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function visible(ch) {
  const code = ch.codePointAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One CSV field: null/undefined empty, numbers as they are, text neutralised and quoted when needed. */
export function csvField(v) {
  let s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (typeof v === 'string' || typeof v === 'object') s = (FORMULA_START.test(s) ? `'${s}` : s).replace(CONTROL, visible);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV of a header and rows of cells. */
export function csvText(header, rows) {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

/** Starts a download of text as a file. */
export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
