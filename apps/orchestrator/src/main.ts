import type { Command } from '@fermx/cli';
import { leaderboardCommand, leaderboardRebuildCommand } from './commands/leaderboard-commands.js';
import { serveCommand } from './commands/serve-command.js';
import { sweepCancelCommand, sweepListCommand, sweepStatusCommand, sweepSubmitCommand } from './commands/sweep-commands.js';
import { sweepExtendCommand, sweepPauseCommand, sweepResumeCommand, sweepRetryCommand, sweepSetCommand } from './commands/sweep-steering-commands.js';
import { workersCommand } from './commands/workers-command.js';
import { sweepEnqueueCommand } from './commands/sweep-enqueue-command.js';

/** This app's `fermx` commands (the CLI in bin/fermx.mjs dispatches here). */
export const commands: Command[] = [
  sweepSubmitCommand, // fermx sweep submit FILE [--wait] [--json] [--api URL]
  sweepStatusCommand, // fermx sweep status ID [--watch] [--json]
  sweepCancelCommand, // fermx sweep cancel ID
  sweepListCommand, // fermx sweep list [--json]
  sweepPauseCommand, // fermx sweep pause ID
  sweepResumeCommand, // fermx sweep resume ID
  sweepExtendCommand, // fermx sweep extend ID --n K
  sweepRetryCommand, // fermx sweep retry ID (--failed | --trial TRIAL_ID)
  sweepSetCommand, // fermx sweep set ID [--max-concurrent N|none] [--priority P]
  sweepEnqueueCommand, // fermx sweep enqueue ID --set name=value …
  leaderboardCommand, // fermx leaderboard [--sweep ID] [--dataset URI] [--json | --csv]
  leaderboardRebuildCommand, // fermx leaderboard rebuild
  workersCommand, // fermx workers [--json]
  serveCommand, // fermx serve [--port 8080]
];
