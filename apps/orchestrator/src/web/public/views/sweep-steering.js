// Sweep page: steering (pause, resume, extend, retry failed, concurrency cap and priority) and the
// sweep's history. Writes need the API token typed in at the top right (kept in sessionStorage);
// without one the panel is read-only. See docs/ORCHESTRATOR.md, "Steering a sweep".
import { api, getToken } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { dispatchText, transitionText } from '../lib/sweep-transitions.js';

/**
 * The steering panel of one sweep. `data` is the /api/sweeps/:id answer; `draft` keeps what the
 * user typed across live re-renders; `onDone()` reloads the page after a command; `ctx.announce`
 * reads the outcome to screen-reader users.
 */
/** @param {{ id: string, data: any, ctx: any, draft?: Record<string, string>, onDone: () => void }} options */
export function steeringPanel({ id, data, ctx, draft = {}, onDone }) {
  const token = getToken();
  const dispatch = data.dispatch ?? { paused: false, priority: data.sweep?.priority ?? 10, held: 0 };
  // Cancelled since its last submit (a resubmit brings a cancelled sweep back).
  const last = [...(data.sweep?.history ?? [])].reverse().find((t) => t.action === 'cancelled' || t.action === 'submitted' || t.action === 'resubmitted');
  const cancelled = last?.action === 'cancelled';
  const failed = (data.trials ?? []).filter((t) => t.status === 'failed').length;
  const random = data.sweep?.strategy === 'random';
  const note = h('p', { class: 'muted', id: 'steer-note', role: 'status' }, token ? '' : 'Read-only: enter an API token (top right) to steer this sweep.');
  const off = !token || cancelled;

  async function run(action, body, button) {
    button.disabled = true;
    note.textContent = `${action}…`;
    try {
      const res = await api.steerSweep(id, action, body);
      for (const key of Object.keys(draft)) delete draft[key];
      const text = transitionText(res.transition);
      note.textContent = text;
      ctx.announce(`Sweep ${text}`);
      onDone();
    } catch (error) {
      button.disabled = false;
      note.textContent = error.status === 401 || error.status === 403 ? 'The server rejected the token.' : `${action} failed: ${error.message}`;
    }
  }

  const pause = h(
    'button',
    { type: 'button', class: 'secondary', id: 'steer-pause', disabled: off || dispatch.paused, onclick: () => run('pause', {}, pause) },
    'Pause',
  );
  const resume = h(
    'button',
    { type: 'button', class: 'secondary', id: 'steer-resume', disabled: off || !dispatch.paused, onclick: () => run('resume', {}, resume) },
    'Resume',
  );
  const retry = h(
    'button',
    { type: 'button', class: 'secondary', id: 'steer-retry', disabled: off || failed === 0, onclick: () => run('retry', { failed: true }, retry) },
    `Retry failed (${failed})`,
  );

  const keep = (key) => (e) => (draft[key] = e.target.value);
  const extendN = h('input', {
    type: 'number',
    id: 'steer-extend-n',
    min: '1',
    step: '1',
    value: draft.n ?? '4',
    size: '4',
    disabled: off || !random,
    oninput: keep('n'),
  });
  const extend = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      id: 'steer-extend',
      disabled: off || !random,
      title: random ? undefined : 'Only random sweeps can be extended (a grid sweep already holds every point)',
      onclick: () => run('extend', { n: Number(extendN.value) }, extend),
    },
    'Extend',
  );

  const cap = h('input', {
    type: 'number',
    id: 'steer-cap',
    min: '1',
    step: '1',
    size: '4',
    placeholder: 'none',
    value: draft.cap ?? (dispatch.maxConcurrent === undefined ? '' : String(dispatch.maxConcurrent)),
    disabled: off,
    oninput: keep('cap'),
  });
  const priority = h('input', {
    type: 'number',
    id: 'steer-priority',
    min: '1',
    step: '1',
    size: '6',
    value: draft.priority ?? String(dispatch.priority),
    disabled: off,
    oninput: keep('priority'),
  });
  const apply = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      id: 'steer-set',
      disabled: off,
      onclick: () => run('set', { maxConcurrent: cap.value.trim() === '' ? null : Number(cap.value), priority: Number(priority.value) }, apply),
    },
    'Apply',
  );

  const history = data.sweep?.history ?? [];
  return h(
    'section',
    { class: 'panel', id: 'steering', 'aria-labelledby': 'steer-h' },
    h('h2', { id: 'steer-h' }, 'Steering'),
    h('p', { id: 'dispatch-state' }, `dispatch: ${dispatchText(dispatch)}`),
    h('div', { class: 'actions' }, pause, resume, retry),
    h('div', { class: 'actions' }, h('label', { for: 'steer-extend-n' }, 'More trials per grid point'), extendN, extend),
    h('div', { class: 'actions' }, h('label', { for: 'steer-cap' }, 'Max at once'), cap, h('label', { for: 'steer-priority' }, 'Priority'), priority, apply),
    note,
    h('h3', {}, 'History'),
    history.length
      ? h(
          'ol',
          { id: 'sweep-history' },
          history.map((t) => h('li', {}, h('time', { datetime: t.at }, t.at.replace('T', ' ').slice(0, 19)), ' ', transitionText(t))),
        )
      : h('p', { class: 'muted' }, 'No transitions recorded.'),
  );
}
