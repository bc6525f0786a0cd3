import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ensureBinary, type Requirement } from '@fermx/cli';

/** Debian's chromium: the browser tests drive it with playwright-core, and it ships SwiftShader for WebGPU. */
export const CHROMIUM: Requirement = { binary: '/usr/bin/chromium', debianPackage: 'chromium', purpose: 'the browser tests' };

export interface ChromiumOptions {
  /** Default 1366×860. */
  viewport?: { width: number; height: number };
  /** WebGL on SwiftShader (no GPU needed) instead of `--disable-gpu`. */
  webgl?: boolean;
  /** More chromium flags (a fake camera, …). */
  args?: readonly string[];
  /** Count the first page's console errors as errors too. */
  consoleErrors?: boolean;
  /** Console errors that are not (a library's noise). */
  consoleNoise?: readonly RegExp[];
  /** Hosts the pages may load from, on any port (default 127.0.0.1 only); any other request is aborted and is an error. */
  allowHosts?: readonly string[];
}

/** A headless chromium in a fresh profile, with its first page and what went wrong in it. */
export interface ChromiumSession {
  context: BrowserContext;
  page: Page;
  /** The first page's uncaught errors (and console errors when asked), and every request to a host not allowed. */
  errors: string[];
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

const BASE_ARGS = [
  '--headless',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Launches Debian's chromium with playwright-core: nothing is downloaded, and pages reach only the allowed hosts. */
export async function launchChromium(options: ChromiumOptions = {}): Promise<ChromiumSession> {
  const executablePath = ensureBinary(CHROMIUM);
  const profile = mkdtempSync(join(tmpdir(), 'fermx-chromium-'));
  const gpu = options.webgl ? ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'] : ['--disable-gpu'];
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      viewport: options.viewport ?? { width: 1366, height: 860 },
      args: [...BASE_ARGS, ...gpu, ...(options.args ?? [])],
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const close = async () => {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  };
  const errors: string[] = [];
  const hosts = (options.allowHosts ?? ['127.0.0.1']).map(escapeRegExp).join('|');
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => errors.push(error.message));
    if (options.consoleErrors) {
      const noise = options.consoleNoise ?? [];
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !noise.some((re) => re.test(msg.text()))) errors.push(msg.text());
      });
    }
    await context.route(new RegExp(`^(?!http://(${hosts}):\\d+/).*`), (route) => {
      errors.push(`external request: ${route.request().url()}`);
      return route.abort();
    });
    return { context, page, errors, close };
  } catch (error) {
    await close();
    throw error;
  }
}
