// Types of model.js for the unit tests (the page itself is plain JS, served as is).
export interface Row {
  [key: string]: unknown;
  params?: Record<string, unknown>;
}
export const PARAM_LABELS: Record<string, string>;
export function paramValue(v: unknown): unknown;
export function paramLabel(key: string): string;
export function datasetLabel(d: unknown): string;
export function datasetKey(d: unknown): string;
export function modelName(m: unknown): string;
export function paramKeys(rows: Row[]): string[];
export function constantKeys<R>(rows: R[], keys: string[], get: (row: R, key: string) => unknown): string[];
export function filterRows<R extends Row>(rows: R[], filters: { dataset?: string; sweep?: string; model?: string; status?: string; q?: string }): R[];
export function sortRows<R>(rows: R[], get: (row: R) => unknown, direction: 'ascending' | 'descending'): R[];
export function parseRoute(hash: string): { view: 'leaderboard' | 'trial' | 'sweep'; id?: string; query: URLSearchParams };
export function trialHref(id: string): string;
export function sweepHref(id: string): string;
