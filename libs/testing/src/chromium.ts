import type { Requirement } from '@fermx/cli';

/** Debian's chromium: the browser tests drive it with playwright-core, and it ships SwiftShader for WebGPU. */
export const CHROMIUM: Requirement = { binary: '/usr/bin/chromium', debianPackage: 'chromium', purpose: 'the leaderboard browser test' };
