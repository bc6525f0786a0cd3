import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A binary fermx needs (the demo's redis-server, the test harness's chromium) and where it comes from on Debian. */
export interface Requirement {
  /** Absolute path or command name looked up on PATH. */
  binary: string;
  /** The Debian package that provides it. */
  debianPackage: string;
  /** Why fermx needs it, for the error message. */
  purpose: string;
}

export class MissingRequirementError extends Error {
  override readonly name = 'MissingRequirementError';
}

export function findBinary(binary: string): string | undefined {
  if (binary.startsWith('/')) return existsSync(binary) ? binary : undefined;
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Returns the binary's path, installing its Debian package with apt-get when it is missing and
 * this process may (root on a Debian-like system). Otherwise throws, saying what to install.
 */
export function ensureBinary(req: Requirement): string {
  const existing = findBinary(req.binary);
  if (existing) return existing;
  const canApt = isRoot() && findBinary('apt-get') !== undefined;
  if (!canApt) {
    throw new MissingRequirementError(
      `${req.binary} not found: fermx needs it for ${req.purpose}. Install it (Debian/Ubuntu: sudo apt-get install -y ${req.debianPackage}) and run again.`,
    );
  }
  process.stderr.write(`[fermx] ${req.binary} missing: installing Debian package ${req.debianPackage} with apt-get\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', req.debianPackage], { stdio: ['ignore', 'ignore', 'inherit'], env });
  } catch (error) {
    throw new MissingRequirementError(
      `apt-get could not install ${req.debianPackage} (${(error as Error).message}); fermx needs ${req.binary} for ${req.purpose}.`,
    );
  }
  const installed = findBinary(req.binary);
  if (!installed) throw new MissingRequirementError(`${req.debianPackage} installed but ${req.binary} is still not found.`);
  return installed;
}

export const REDIS_SERVER: Requirement = { binary: 'redis-server', debianPackage: 'redis-server', purpose: 'the BullMQ queue (integration tests, demo)' };
