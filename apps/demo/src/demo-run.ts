import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBinary, freePort, MissingRequirementError, REDIS_SERVER, RedisServer, type CommandContext, type Logger } from '@fermx/cli';
import { resolveDemoSource } from './demo-source.js';
import { bestTrial, tryItUrl, type DemoRow } from './demo-promotion.js';
import { demoSweepYaml } from './demo-sweep.js';
import { ProcessGroup, runStep } from './process-group.js';

const fermxBin = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/fermx.mjs');

export interface DemoOptions {
  source?: string;
  ferplus?: string;
  port: number;
  rows: number;
  /** Default: 15 on FER2013, 6 on the synthetic faces (they are learnt by then). */
  epochs?: number;
  workers: number;
  /** Exit after printing the final leaderboard (CI=true) instead of serving until Ctrl-C. */
  exitWhenDone: boolean;
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  try {
    await once(server, 'listening');
    server.close();
    return true;
  } catch {
    return false;
  }
}

/** `file://./.fermx` → the local directory, for redis' data and the demo's scratch files. */
function localDir(storage: string): string | undefined {
  return storage.startsWith('file://') ? resolve(storage.slice('file://'.length)) : undefined;
}

/**
 * The whole pipeline on one machine: redis-server (unless REDIS_URL is set), file:// storage,
 * a small FERM, a small sweep, N workers, the leaderboard and its page.
 */
export async function runDemo(options: DemoOptions, ctx: CommandContext, log: Logger): Promise<number> {
  const out = ctx.stdout;
  const storage = ctx.env.FERMX_STORAGE ?? 'file://./.fermx';
  const workDir = join(localDir(storage) ?? resolve('.fermx'), 'demo');
  mkdirSync(workDir, { recursive: true });
  const group = new ProcessGroup(out);
  let redis: RedisServer | undefined;
  const stop = async () => {
    await group.stopAll();
    await redis?.stop();
  };
  const onSignal = () => void stop().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let redisUrl = ctx.env.REDIS_URL;
    if (!redisUrl) {
      try {
        ensureBinary(REDIS_SERVER);
      } catch (error) {
        if (error instanceof MissingRequirementError) {
          ctx.stderr.write(`fermx demo: ${error.message}\nOr point REDIS_URL at a running Redis 7.\n`);
          return 1;
        }
        throw error;
      }
      const redisDir = join(workDir, 'redis');
      mkdirSync(redisDir, { recursive: true });
      redis = await RedisServer.start({ appendOnly: true, dir: redisDir });
      redisUrl = redis.url;
      log.info({ redisUrl, dir: redis.dir }, 'started a local redis-server');
    }
    const env: NodeJS.ProcessEnv = { ...ctx.env, REDIS_URL: redisUrl, FERMX_STORAGE: storage };

    const source = resolveDemoSource({ ...options, env: ctx.env, workDir, syntheticRows: Math.min(options.rows, 800) });
    out.write(`\n== fermx demo: data = ${source.label}\n`);
    const dataset = `${storage.replace(/\/$/, '')}/datasets/${source.kind === 'synthetic' ? 'ferm-synthetic' : 'ferm-demo'}/v1`;
    // The paper's four classes; without FER+ votes the builder uses FER2013's own labels.
    const profile = 'paper';
    out.write(`== 1/4 building a small masked FERM (${options.rows} source rows, profile ${profile}) → ${dataset}\n`);
    await runStep(
      'dataset',
      process.execPath,
      [
        fermxBin,
        'dataset',
        'build',
        '--source',
        source.csv,
        ...(source.ferplus ? ['--ferplus', source.ferplus] : []),
        '--profile',
        profile,
        '--limit',
        String(options.rows),
        '--out',
        dataset,
      ],
      env,
      out,
    );

    const port = (await portIsFree(options.port)) ? options.port : await freePort();
    out.write(`\n== 2/4 starting fermx serve on :${port} and ${options.workers} workers\n`);
    group.start('serve', process.execPath, [fermxBin, 'serve', '--port', String(port)], env);
    for (let i = 0; i < options.workers; i++)
      group.start(`worker-${i + 1}`, process.execPath, [fermxBin, 'worker', '--backend', 'auto'], { ...env, FERMX_WORKER_ID: `demo-${i + 1}` });

    const sweepFile = join(workDir, 'demo-sweep.yaml');
    writeFileSync(
      sweepFile,
      demoSweepYaml({ dataset, synthetic: source.kind === 'synthetic', epochs: options.epochs ?? (source.kind === 'synthetic' ? 6 : 15) }),
    );
    out.write(`\n== 3/4 submitting ${sweepFile} and waiting for its trials\n`);
    const submitted = JSON.parse(
      await runStep('sweep', process.execPath, [fermxBin, 'sweep', 'submit', sweepFile, '--wait', '--json'], env, out, { quiet: true }),
    ) as { sweepId: string };

    out.write(`\n== 4/4 leaderboard of sweep ${submitted.sweepId}${source.kind === 'synthetic' ? ' (SYNTHETIC data)' : ''}\n`);
    await runStep('leaderboard', process.execPath, [fermxBin, 'leaderboard', '--sweep', submitted.sweepId], env, out);
    const { rows } = JSON.parse(
      await runStep('leaderboard', process.execPath, [fermxBin, 'leaderboard', '--sweep', submitted.sweepId, '--json'], env, out, { quiet: true }),
    ) as { rows: DemoRow[] };
    const best = bestTrial(rows);
    const url = `http://127.0.0.1:${port}/#/sweep/${submitted.sweepId}`;
    out.write(`\nLeaderboard page: ${url}\n`);
    if (best) {
      const name = source.kind === 'synthetic' ? 'demo-synthetic' : 'demo-ferm';
      out.write(
        `\n== promoting the best trial by macro-F1: ${best.trialId} (${best.variant ?? best.model}, val accuracy ${(best.valAccuracy * 100).toFixed(1)} %, macro-F1 ${best.macroF1.toFixed(3)}; chance is 0.25)\n`,
      );
      await runStep('promote', process.execPath, [fermxBin, 'model', 'promote', best.trialId, '--name', name, '--alias', 'production'], env, out);
      out.write(`Try it (photo or webcam): ${tryItUrl(port, `${name}@production`)}\n`);
      out.write(`On the command line: npx fermx predict ${name}@production PHOTO… (with FERMX_STORAGE=${storage})\n`);
    }
    if (options.exitWhenDone) return 0;
    out.write('Serving until Ctrl-C.\n');
    await new Promise(() => undefined);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stop();
  }
}
