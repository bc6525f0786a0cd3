// Types of export.js for the unit tests (the page itself is plain JS, served as is).
export function csvField(v: unknown): string;
export function csvText(header: string[], rows: unknown[][]): string;
export function download(name: string, text: string, type: string): void;
