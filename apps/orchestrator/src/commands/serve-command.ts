import { createLogger } from '@fermx/cli';
import { defineOrchestratorCommand, configOf } from './session.js';

export const serveCommand = defineOrchestratorCommand({
  path: ['serve'],
  summary: 'Serve the JSON API and the leaderboard page (loopback only unless FERMX_API_TOKEN is set; writes then need it)',
  usage: '[--port 8080] [--host 127.0.0.1]',
  options: { port: { type: 'string' }, host: { type: 'string' } },
  async run(ctx) {
    const overrides = {
      ...(typeof ctx.values.port === 'string' ? { PORT: ctx.values.port } : {}),
      ...(typeof ctx.values.host === 'string' ? { FERMX_HOST: ctx.values.host } : {}),
    };
    const config = configOf(ctx, overrides);
    const log = createLogger('orchestrator', ctx.env);
    const [{ openRuntime }, { startServer, ListenError }, { serveWebAsset }] = await Promise.all([
      import('../runtime.js'),
      import('../server/serve.js'),
      import('../web/index.js'),
    ]);
    const runtime = await openRuntime(config, ctx.env);
    let running;
    try {
      running = await startServer(runtime, { port: config.port, log, serveAsset: (req, res) => serveWebAsset(req, res) });
    } catch (error) {
      await runtime.close();
      if (error instanceof ListenError) {
        ctx.stderr.write(`fermx serve: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    log.info({ host: running.host, port: running.port, url: running.url, storage: config.storageUri, auth: Boolean(config.apiToken) }, 'serving');
    const writes = config.apiToken ? 'writes need the bearer token' : 'writes open to this machine: no FERMX_API_TOKEN';
    ctx.stdout.write(`fermx serve: listening on ${running.host}:${running.port} (${writes}); leaderboard at ${running.url}/  API at ${running.url}/api\n`);
    // Shutdown is explicit and bounded: stop listening, close Redis, exit within 10 s.
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        log.info({ signal }, 'shutting down');
        const force = setTimeout(() => process.exit(1), 10_000);
        force.unref();
        void running
          .close()
          .then(() => runtime.close())
          .finally(resolve);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
  },
});
