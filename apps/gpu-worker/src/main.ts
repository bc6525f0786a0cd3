import type { Command } from '@fermx/cli';
import { compareCommand } from './commands/compare-command.js';
import { evaluateCommand } from './commands/evaluate-command.js';
import { modelsCommand } from './commands/models-command.js';
import { modelAliasCommand, modelListCommand, modelPromoteCommand } from './commands/model-commands.js';
import { modelSoupCommand } from './commands/model-soup-command.js';
import { predictCommand } from './commands/predict-command.js';
import { workerCommand } from './commands/worker-command.js';

/** This app's `fermx` commands (the CLI in bin/fermx.mjs dispatches here). */
export const commands: Command[] = [
  workerCommand,
  evaluateCommand,
  compareCommand,
  modelsCommand,
  predictCommand,
  modelPromoteCommand,
  modelListCommand,
  modelAliasCommand,
  modelSoupCommand,
];
