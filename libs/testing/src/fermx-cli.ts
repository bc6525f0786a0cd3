import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The repository root: the working directory the tests run `fermx` in. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The one `fermx` CLI entry (`node bin/fermx.mjs …`). */
export const FERMX_BIN = join(REPO_ROOT, 'bin/fermx.mjs');

const execFileAsync = promisify(execFile);

/** Runs `fermx <args…>` as a child process in the repository root and resolves with its stdout; fails with its stderr. */
export async function runFermx(args: readonly string[], options: { env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<string> {
  try {
    const { stdout } = await execFileAsync(process.execPath, [FERMX_BIN, ...args], {
      cwd: REPO_ROOT,
      env: options.env,
      timeout: options.timeoutMs ?? 60_000,
      maxBuffer: 16 << 20,
    });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`fermx ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}
