// fermx leaderboard: hash-routed single page over the `fermx serve` JSON API. Plain ES modules,
// no build step and no network beyond this origin.
import { getToken, setToken, subscribe } from './lib/api.js';
import { h, replace } from './lib/dom.js';
import { parseRoute } from './lib/model.js';
import { leaderboardView } from './views/leaderboard.js';
import { sweepView } from './views/sweep.js';
import { trialView } from './views/trial.js';
import { tryItView } from './views/try-it.js';

const VIEWS = { leaderboard: leaderboardView, trial: trialView, sweep: sweepView, try: tryItView };

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const errorBox = /** @type {HTMLElement} */ (document.getElementById('error'));
const announcer = /** @type {HTMLElement} */ (document.getElementById('announcer'));
const liveBadge = /** @type {HTMLElement} */ (document.getElementById('live-mode'));
const timers = new Map();

const ctx = {
  announce(text) {
    announcer.textContent = '';
    // A fresh text node after a tick makes screen readers read repeated messages again.
    setTimeout(() => (announcer.textContent = text), 30);
  },
  showError(text) {
    errorBox.hidden = false;
    errorBox.textContent = text;
  },
  clearError() {
    errorBox.hidden = true;
    errorBox.textContent = '';
  },
  /** Views call this after each render; the first one after a route change takes focus. */
  rendered() {
    if (!focusPending) return;
    focusPending = false;
    main.querySelector('h1')?.focus({ preventScroll: true });
  },
  debounce(key, fn, ms) {
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(fn, ms));
  },
};

let current;
let currentKey = '';
let focusPending = false;
let routeGeneration = 0;

function route() {
  const r = parseRoute(location.hash);
  const key = `${r.view}/${r.id ?? ''}`;
  // Filter and sort changes rewrite the query part only; they must not rebuild the view.
  if (key === currentKey && current) return;
  currentKey = key;
  ctx.clearError();
  // Screen-reader and keyboard users land on the new page's heading, not on a stale element.
  focusPending = true;
  window.scrollTo(0, 0);
  replace(main, h('p', { class: 'muted' }, 'Loading…'));
  for (const timer of timers.values()) clearTimeout(timer);
  timers.clear();
  // A view's late responses must not paint over the next view: each view gets its own alive().
  const generation = ++routeGeneration;
  current = VIEWS[r.view](main, r, { ...ctx, alive: () => generation === routeGeneration });
  document.title = r.view === 'leaderboard' ? 'fermx leaderboard' : `${r.view} ${r.id} · fermx`;
}

function tokenForm() {
  const form = /** @type {HTMLFormElement} */ (document.getElementById('token-form'));
  const input = /** @type {HTMLInputElement} */ (document.getElementById('token'));
  const state = /** @type {HTMLElement} */ (document.getElementById('token-state'));
  const clear = /** @type {HTMLElement} */ (document.getElementById('token-clear'));
  const show = () => {
    const has = Boolean(getToken());
    state.textContent = has ? 'Token set: cancel enabled' : 'Read-only';
    clear.hidden = !has;
    input.value = '';
    input.placeholder = has ? '•••••• (set)' : 'API token';
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setToken(input.value.trim());
    show();
    current?.refresh?.();
  });
  clear.addEventListener('click', () => {
    setToken('');
    show();
    current?.refresh?.();
  });
  show();
}

tokenForm();
// The skip link must not touch the hash: '#main' would be read as a route.
document.querySelector('.skip')?.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', route);
route();
subscribe({
  onProgress: (ev) => current?.onProgress?.(ev),
  onTrial: (ev) => current?.onTrial?.(ev),
  onPoll: () => current?.refresh?.(),
  onMode: (mode) => {
    replace(
      liveBadge,
      h('span', { class: `dot mode-${mode}`, 'aria-hidden': 'true' }),
      mode === 'live' ? 'Live' : mode === 'polling' ? 'Polling every 5 s' : 'Reconnecting…',
    );
  },
});
