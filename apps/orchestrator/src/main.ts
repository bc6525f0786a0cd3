import type { Command } from '@fermx/cli';
import { leaderboardCommand, leaderboardRebuildCommand } from './commands/leaderboard-commands.js';
import { serveCommand } from './commands/serve-command.js';
import { sweepCancelCommand, sweepListCommand, sweepStatusCommand, sweepSubmitCommand } from './commands/sweep-commands.js';
import { workersCommand } from './commands/workers-command.js';

/** This app's `fermx` commands (the CLI in bin/fermx.mjs dispatches here). */
export const commands: Command[] = [
  sweepSubmitCommand, // fermx sweep submit FILE [--wait] [--json] [--api URL]
  sweepStatusCommand, // fermx sweep status ID [--watch] [--json]
  sweepCancelCommand, // fermx sweep cancel ID
  sweepListCommand, // fermx sweep list [--json]
  leaderboardCommand, // fermx leaderboard [--sweep ID] [--dataset URI] [--json | --csv]
  leaderboardRebuildCommand, // fermx leaderboard rebuild
  workersCommand, // fermx workers [--json]
  serveCommand, // fermx serve [--port 8080]
];
