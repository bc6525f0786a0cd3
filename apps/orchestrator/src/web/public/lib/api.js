// JSON API client of `fermx serve`. Reading needs no token; cancelling sends the one the reviewer
// typed in, kept in sessionStorage so it dies with the tab.
const TOKEN_KEY = 'fermx.apiToken';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

async function request(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init.headers ?? {}) } });
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { error: text };
  }
  if (!res.ok) throw new ApiError(res.status, body?.error ?? `${res.status} ${res.statusText}`);
  return body;
}

export const api = {
  sweeps: () => request('/api/sweeps'),
  sweep: (id) => request(`/api/sweeps/${encodeURIComponent(id)}`),
  leaderboard: () => request('/api/leaderboard'),
  /** Rows that differ only in their seed joined into one (mean ± sd); `sweep` narrows to one sweep. */
  leaderboardAggregated: (sweep) => request(`/api/leaderboard?aggregate=repeats${sweep ? `&sweep=${encodeURIComponent(sweep)}` : ''}`),
  sweepAnalysis: (id) => request(`/api/sweeps/${encodeURIComponent(id)}/analysis`),
  trial: (id) => request(`/api/trials/${encodeURIComponent(id)}`),
  workers: () => request('/api/workers'),
  cancelSweep: (id) =>
    request(`/api/sweeps/${encodeURIComponent(id)}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${getToken()}`, 'content-type': 'application/json' },
      body: '{}',
    }),
  /** pause | resume | extend {n} | retry {failed|trialId} | set {maxConcurrent, priority} (docs/ORCHESTRATOR.md). */
  steerSweep: (id, action, body = {}) =>
    request(`/api/sweeps/${encodeURIComponent(id)}/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${getToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
};

/**
 * Live updates: server-sent events from /api/events; if the stream cannot be opened (older
 * server, proxy that buffers), falls back to calling onPoll every pollMs.
 * Returns { mode(): 'live'|'polling', close() }.
 */
export function subscribe({ onProgress, onTrial, onPoll, onMode, pollMs = 5000 }) {
  let mode = 'connecting';
  let timer;
  let source;
  const setMode = (m) => {
    if (m === mode) return;
    mode = m;
    onMode?.(m);
  };
  const startPolling = () => {
    source?.close();
    source = undefined;
    setMode('polling');
    clearInterval(timer);
    timer = setInterval(() => onPoll?.(), pollMs);
  };
  if (typeof EventSource === 'function') {
    source = new EventSource('/api/events');
    source.addEventListener('open', () => setMode('live'));
    source.addEventListener('progress', (e) => onProgress?.(parse(e.data)));
    source.addEventListener('trial', (e) => onTrial?.(parse(e.data)));
    // EventSource retries on its own while CONNECTING; CLOSED means the server refused the stream.
    source.addEventListener('error', () => {
      if (source?.readyState === EventSource.CLOSED) startPolling();
      else setMode('reconnecting');
    });
  } else {
    startPolling();
  }
  return {
    mode: () => mode,
    close() {
      source?.close();
      clearInterval(timer);
    },
  };
}

function parse(data) {
  try {
    return JSON.parse(data);
  } catch {
    return {};
  }
}
