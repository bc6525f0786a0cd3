import { describe, expect, it } from 'vitest';
import { startFermxServe } from './serve-process.js';

describe('startFermxServe', () => {
  it('fails with the exit code and the log when fermx serve exits before answering /api/health', async () => {
    // No token and a non-loopback host: fermx serve refuses to start (exit 2), naming the fix.
    const env = { ...process.env, FERMX_API_TOKEN: '', FERMX_LOG_LEVEL: 'silent' };
    await expect(startFermxServe({ env, args: ['--host', '0.0.0.0'] })).rejects.toThrow(
      /^fermx serve exited with 2 before answering \/api\/health: [^]*FERMX_HOST: listening on 0\.0\.0\.0 needs FERMX_API_TOKEN/,
    );
  });
});
