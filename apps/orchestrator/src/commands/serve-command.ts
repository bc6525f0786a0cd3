import { createLogger } from '@fermx/cli';
import { defineOrchestratorCommand, configOf } from './session.js';

export const serveCommand = defineOrchestratorCommand({
  path: ['serve'],
  summary: 'Serve the JSON API and the leaderboard page (writes need FERMX_API_TOKEN when set)',
  usage: '[--port 8080]',
  options: { port: { type: 'string' } },
  async run(ctx) {
    const config = configOf(ctx, typeof ctx.values.port === 'string' ? { PORT: ctx.values.port } : {});
    const log = createLogger('orchestrator', ctx.env);
    const [{ openRuntime }, { startServer }, { serveWebAsset }] = await Promise.all([import('../runtime.js'), import('../server/serve.js'), import('../web/index.js')]);
    const runtime = await openRuntime(config, ctx.env);
    const running = await startServer(runtime, { port: config.port, log, serveAsset: (req, res) => serveWebAsset(req, res) });
    log.info({ url: running.url, storage: config.storageUri, auth: Boolean(config.apiToken) }, 'serving');
    ctx.stdout.write(`fermx serve: leaderboard at ${running.url.replace('127.0.0.1', 'localhost')}/  API at ${running.url}/api\n`);
    // Shutdown is explicit and bounded: stop listening, close Redis, exit within 10 s.
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        log.info({ signal }, 'shutting down');
        const force = setTimeout(() => process.exit(1), 10_000);
        force.unref();
        void running.close().then(() => runtime.close()).finally(resolve);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
  },
});
