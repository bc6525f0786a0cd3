import type { Command } from '@fermx/cli';
import { buildCommand } from './build-command.js';
import { inspectCommand } from './inspect-command.js';

/** This app's `fermx` commands (the CLI in bin/fermx.mjs dispatches here). */
export const commands: Command[] = [buildCommand, inspectCommand];
