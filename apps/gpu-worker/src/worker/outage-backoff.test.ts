import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { InfrastructureError } from '../training/errors/index.js';
import { OutageBackoff } from './outage-backoff.js';

function setup(probeFailures: number) {
  const events: string[] = [];
  const lines: Record<string, unknown>[] = [];
  let probes = 0;
  const backoff = new OutageBackoff({
    baseMs: 10,
    capMs: 40,
    log: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }),
    pause: async () => void events.push('pause'),
    resume: () => void events.push('resume'),
    probe: async () => {
      probes++;
      if (probes <= probeFailures) throw new Error(`still down (${probes})`);
    },
  });
  return { backoff, events, lines, probes: () => probes };
}

const fault = () => new InfrastructureError('storage', 'storage: cannot put x: ECONNREFUSED');
const until = async (done: () => boolean) => {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('OutageBackoff', () => {
  it('pauses, probes with doubling waits up to the cap, resumes once the probe passes', async () => {
    const { backoff, events, lines, probes } = setup(4);
    await backoff.enter(fault());
    expect(events).toEqual(['pause']);
    expect(backoff.backingOff).toBe(true);
    await until(() => events.includes('resume'));
    expect(events).toEqual(['pause', 'resume']);
    expect(probes()).toBe(5);
    expect(lines[0]).toMatchObject({ msg: 'infrastructure fault: worker stops taking trials and backs off', service: 'storage', retryInMs: 10 });
    expect(lines.filter((l) => l.msg === 'service still unavailable; backing off').map((l) => l.retryInMs)).toEqual([20, 40, 40, 40]);
    expect(lines.at(-1)).toMatchObject({ msg: 'service answers again; worker takes trials again', probes: 5 });
    expect(backoff.backingOff).toBe(false);
  });

  it('one outage at a time; faults in a row lengthen the first wait until a trial succeeds', async () => {
    const { backoff, events, lines } = setup(0);
    await backoff.enter(fault());
    await backoff.enter(fault()); // during the same outage: counted, no second pause
    expect(events).toEqual(['pause']);
    await until(() => events.includes('resume'));
    await backoff.enter(fault());
    await until(() => events.filter((e) => e === 'resume').length === 2);
    const firstWaits = lines.filter((l) => String(l.msg).startsWith('infrastructure fault')).map((l) => l.retryInMs);
    expect(firstWaits).toEqual([10, 40]); // third fault in a row: 10 · 2² capped at 40
    backoff.succeeded();
    await backoff.enter(fault());
    expect(lines.filter((l) => String(l.msg).startsWith('infrastructure fault')).at(-1)?.retryInMs).toBe(10);
    backoff.stop();
  });

  it('stop() ends the probing without resuming the worker', async () => {
    const { backoff, events } = setup(1000);
    await backoff.enter(fault());
    backoff.stop();
    await new Promise((r) => setTimeout(r, 80));
    expect(events).toEqual(['pause']);
  });
});
