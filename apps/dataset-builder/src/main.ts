import type { Command } from '@fermx/cli';

/** This app's `fermx` commands (the CLI in bin/fermx.mjs dispatches here). */
export const commands: Command[] = [];
