#!/usr/bin/env node
// The one `fermx` CLI: loads TypeScript sources through tsx and dispatches to the apps' command
// tables (each app's src/main.ts). Heavy dependencies load inside the commands, not here.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('@fermx/cli');
const apps = await Promise.all([
  import('@fermx/dataset-builder/main'),
  import('@fermx/orchestrator/main'),
  import('@fermx/gpu-worker/main'),
  import('@fermx/demo/main'),
]);
const commands = apps.flatMap((app) => app.commands);
try {
  process.exitCode = await runCli(process.argv.slice(2), commands, {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
  });
} catch (error) {
  process.stderr.write(`fermx: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
