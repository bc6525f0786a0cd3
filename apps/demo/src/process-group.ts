import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** Child processes the demo started: output prefixed by name, all stopped together. */
export class ProcessGroup {
  private readonly children = new Map<string, ChildProcess>();
  private closing: Promise<void> | undefined;

  constructor(private readonly out: NodeJS.WritableStream) {}

  /** Starts a long-running process whose lines are echoed as `[name] …`. */
  start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const echo = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) this.out.write(`[${name}] ${line}\n`);
    };
    child.stdout?.on('data', echo);
    child.stderr?.on('data', echo);
    this.children.set(name, child);
    child.once('exit', () => this.children.delete(name));
    return child;
  }

  /** SIGTERM to every child, SIGKILL to those still alive after `graceMs`. Idempotent. */
  stopAll(graceMs = 35_000): Promise<void> {
    this.closing ??= (async () => {
      const alive = [...this.children.values()].filter((c) => c.exitCode === null && c.signalCode === null);
      const exits = alive.map((c) => once(c, 'exit').catch(() => undefined));
      for (const c of alive) c.kill('SIGTERM');
      const timer = setTimeout(() => alive.forEach((c) => c.kill('SIGKILL')), graceMs);
      await Promise.all(exits);
      clearTimeout(timer);
    })();
    return this.closing;
  }
}

/** Runs a command to completion, echoing its stderr (and stdout unless `quiet`); rejects on a non-zero exit. */
export async function runStep(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream,
  options: { quiet?: boolean } = {},
): Promise<string> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (!options.quiet) out.write(d);
  });
  child.stderr.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (line.trim()) out.write(`[${name}] ${line}\n`);
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${name} failed (exit ${code}): ${command} ${args.join(' ')}`);
  return stdout;
}
