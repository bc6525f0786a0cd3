import { parseArgs } from 'node:util';
import type { Command, CommandContext } from './command.js';
import { UsageError } from './usage-error.js';

const HELP_FLAGS = new Set(['-h', '--help']);

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: CommandContext['stdout'];
  stderr: NodeJS.WritableStream;
}

/** Finds the command whose path is the longest prefix of argv's leading words. */
export function findCommand(commands: readonly Command[], argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  let best: Command | undefined;
  for (const command of commands) {
    const matches = command.path.every((word, i) => argv[i] === word);
    if (matches && (!best || command.path.length > best.path.length)) best = command;
  }
  return best ? { command: best, rest: argv.slice(best.path.length) } : undefined;
}

/** The commands whose path starts with `prefix` and goes on past it (`sweep` → `sweep submit`, …). */
function commandsUnder(commands: readonly Command[], prefix: readonly string[]): Command[] {
  return commands.filter((c) => c.path.length > prefix.length && prefix.every((word, i) => c.path[i] === word));
}

/**
 * The commands under argv's leading words when those words name a group rather than a
 * command (`fermx sweep`, `fermx model`): the longest such prefix, or undefined.
 */
export function findGroup(commands: readonly Command[], argv: readonly string[]): { words: string[]; members: Command[] } | undefined {
  const firstFlag = argv.findIndex((a) => a.startsWith('-'));
  const words = firstFlag === -1 ? argv : argv.slice(0, firstFlag);
  for (let n = words.length; n >= 1; n--) {
    const prefix = words.slice(0, n);
    const members = commandsUnder(commands, prefix);
    if (members.length > 0) return { words: prefix, members };
  }
  return undefined;
}

function commandLines(commands: readonly Command[]): string[] {
  const rows = [...commands].sort((a, b) => a.path.join(' ').localeCompare(b.path.join(' ')));
  return rows.flatMap((c) => [`  fermx ${c.path.join(' ')} ${c.usage}`.trimEnd(), `      ${c.summary}`]);
}

export function formatHelp(commands: readonly Command[]): string {
  return [
    'fermx — train and compare facial-expression models on masked faces (FERM)',
    '',
    'Usage: fermx <command> [options]',
    '',
    'Commands:',
    ...commandLines(commands),
    '',
    'Environment: REDIS_URL, FERMX_STORAGE, FERMX_API_TOKEN, AWS_* (S3). `fermx <command> --help` for one command.',
    '',
  ].join('\n');
}

/** One command's usage, summary and flags; `under` lists the commands below it (`leaderboard rebuild`). */
export function formatCommandHelp(command: Command, under: readonly Command[] = []): string {
  const flags = Object.entries(command.options ?? {}).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '';
    const value = spec.type === 'string' ? ' <value>' : '';
    const def = spec.default !== undefined ? ` (default ${JSON.stringify(spec.default)})` : '';
    return `  ${short}--${name}${value}${def}`;
  });
  return [
    `Usage: fermx ${command.path.join(' ')} ${command.usage}`,
    '',
    command.summary,
    '',
    ...(flags.length ? ['Options:', ...flags, ''] : []),
    ...(under.length ? ['Commands under it:', ...commandLines(under), ''] : []),
  ].join('\n');
}

function parseCommandArgs(command: Command, rest: string[]): Pick<CommandContext, 'values' | 'positionals'> {
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional.*$/s, ''), command.usage);
  }
  const names = command.args ?? [];
  const variadic = names.at(-1)?.endsWith('...') ?? false;
  const required = names.filter((n) => !n.startsWith('[')).length;
  if (parsed.positionals.length < required) {
    throw new UsageError(`missing argument ${names[parsed.positionals.length]} for 'fermx ${command.path.join(' ')}'`, command.usage);
  }
  if (!variadic && parsed.positionals.length > names.length) {
    throw new UsageError(`unexpected argument '${parsed.positionals[names.length]}' for 'fermx ${command.path.join(' ')}'`, command.usage);
  }
  return { values: parsed.values as CommandContext['values'], positionals: parsed.positionals };
}

/** Runs the CLI: resolves the command, parses its flags strictly, runs it; returns the exit code. */
export async function runCli(argv: readonly string[], commands: readonly Command[], io: CliIo): Promise<number> {
  if (argv.length === 0 || HELP_FLAGS.has(argv[0]!) || argv[0] === 'help') {
    io.stdout.write(formatHelp(commands));
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(commands, argv);
  if (!found) {
    const group = findGroup(commands, argv);
    if (group) return groupHelp(group, argv.slice(group.words.length), io);
    const known = [...new Set(commands.map((c) => c.path[0]))].sort().join(', ');
    io.stderr.write(`fermx: unknown command '${argv[0]}'. Commands: ${known}. Run 'fermx --help'.\n`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.some((a) => HELP_FLAGS.has(a))) {
    io.stdout.write(formatCommandHelp(command, commandsUnder(commands, command.path)));
    return 0;
  }
  try {
    const args = parseCommandArgs(command, rest);
    const code = await command.run({ ...args, ...io });
    return code ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`fermx ${command.path.join(' ')}: ${error.message}\nUsage: fermx ${command.path.join(' ')} ${error.usage ?? command.usage}\n`);
      return 2;
    }
    throw error;
  }
}

/**
 * `fermx sweep --help` lists the group's commands (exit 0); `fermx sweep` alone lists them too
 * (exit 2, as bare `fermx` does); an unknown word after the group names the ones it has.
 */
function groupHelp(group: { words: string[]; members: Command[] }, rest: string[], io: CliIo): number {
  const name = `fermx ${group.words.join(' ')}`;
  const next = rest[0];
  if (next !== undefined && !next.startsWith('-')) {
    const known = [...new Set(group.members.map((c) => c.path[group.words.length]))].sort().join(', ');
    io.stderr.write(`${name}: unknown command '${next}'. Commands: ${known}. Run '${name} --help'.\n`);
    return 2;
  }
  io.stdout.write([`Usage: ${name} <command> [options]`, '', 'Commands:', ...commandLines(group.members), ''].join('\n'));
  return rest.some((a) => HELP_FLAGS.has(a)) ? 0 : 2;
}
