import type { ParseArgsConfig } from 'node:util';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** What a command's handler receives: parsed flags, positionals and the process streams. */
export interface CommandContext {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
}

/** One `fermx <words…>` command. Apps export a table of these from `src/main.ts`. */
export interface Command {
  /** Words after `fermx`, e.g. `['sweep', 'submit']`. */
  path: string[];
  summary: string;
  /** Synopsis of positionals and flags for help, e.g. `FILE [--wait] [--json]`. */
  usage: string;
  options?: OptionSpecs;
  /** Positional argument names; `...` suffix on the last one means "any number". */
  args?: string[];
  /** Returns the exit code (0 when omitted). */
  run(ctx: CommandContext): Promise<number | void>;
}

export function defineCommand(command: Command): Command {
  return command;
}
