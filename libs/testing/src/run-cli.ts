import { PassThrough } from 'node:stream';
import { runCli, type Command } from '@fermx/cli';

/** Runs `fermx <argv…>` in-process against a command table and captures its output (tests). */
export async function runCliCaptured(
  argv: string[],
  commands: readonly Command[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await runCli(argv, commands, { env, stdout, stderr });
  return { code, out, err };
}
