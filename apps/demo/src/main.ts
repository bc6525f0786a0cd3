import { createLogger, defineCommand, type Command } from '@fermx/cli';
import { runDemo } from './demo-run.js';

const int = (value: unknown, fallback: number) => (value === undefined ? fallback : Number.parseInt(String(value), 10));

/** `fermx demo`: the whole pipeline on one machine, on embedded defaults (README command 1). */
export const commands: Command[] = [
  defineCommand({
    path: ['demo'],
    summary:
      'Run the whole pipeline on this machine: local redis-server, file:// storage, small FERM, small sweep, two workers, leaderboard, the best model promoted (CI=true: exit when done)',
    usage: '[--source FER2013.csv[.gz]] [--ferplus fer2013new.csv] [--rows N] [--epochs N] [--workers N] [--port 8080]',
    options: {
      source: { type: 'string' },
      ferplus: { type: 'string' },
      rows: { type: 'string' },
      epochs: { type: 'string' },
      workers: { type: 'string' },
      port: { type: 'string' },
    },
    run: (ctx) =>
      runDemo(
        {
          ...(typeof ctx.values.source === 'string' ? { source: ctx.values.source } : {}),
          ...(typeof ctx.values.ferplus === 'string' ? { ferplus: ctx.values.ferplus } : {}),
          rows: int(ctx.values.rows, 12000),
          ...(ctx.values.epochs !== undefined ? { epochs: int(ctx.values.epochs, 15) } : {}),
          workers: int(ctx.values.workers, 2),
          port: int(ctx.values.port, 8080),
          exitWhenDone: ctx.env.CI === 'true' || ctx.env.CI === '1',
        },
        ctx,
        createLogger('demo', ctx.env),
      ),
  }),
];
