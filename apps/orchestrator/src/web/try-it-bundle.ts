import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

/** The Try-it page's compute runtime (plain JS, bundled; not served as it is). */
export const TRY_IT_RUNTIME_ENTRY = fileURLToPath(new URL('./runtime/try-it-runtime.js', import.meta.url));

/** fermx modules the runtime shares with the CLI, by the alias it imports them under. */
export const SHARED_MODULES: Readonly<Record<string, string>> = {
  'fermx:fer-framing': fileURLToPath(new URL('../../../../libs/data/src/faces/fer-framing.ts', import.meta.url)),
  'fermx:fer-crop': fileURLToPath(new URL('../../../../libs/data/src/faces/fer-crop.ts', import.meta.url)),
  'fermx:mask-shape': fileURLToPath(new URL('../../../../libs/data/src/masking/mask-shape.ts', import.meta.url)),
  'fermx:mask-style': fileURLToPath(new URL('../../../../libs/data/src/masking/mask-style.ts', import.meta.url)),
  // The label-shift weights `fermx predict --class-prior` applies (tfjs only, which the bundle has).
  'fermx:class-prior': fileURLToPath(new URL('../../../../libs/models/src/metrics/class-prior.ts', import.meta.url)),
  // The test-time views `fermx evaluate` and `fermx predict` read a model with (tfjs only).
  'fermx:test-time-views': fileURLToPath(new URL('../../../../libs/models/src/metrics/test-time-views.ts', import.meta.url)),
  // mask-style's seeded PRNG comes from @fermx/contracts, whose barrel also holds Node-only code:
  // the bundle takes the one module it needs.
  '@fermx/contracts': fileURLToPath(new URL('../../../../libs/contracts/src/random.ts', import.meta.url)),
  // runtime/keypoint-box.ts imports the framing from @fermx/data's barrel (Node tests use it so);
  // in the bundle that is the framing module alone.
  '@fermx/data': fileURLToPath(new URL('../../../../libs/data/src/faces/fer-framing.ts', import.meta.url)),
};

/**
 * Bundles the runtime with esbuild (a dependency already: tsx and vitest run on it) into one ES
 * module: TensorFlow.js with its WebGL, wasm and cpu backends, face-api's landmark net, and the
 * framing, mask, class-prior and test-time-view code the CLI uses, so page and CLI compute the same
 * crop and probabilities. Built once per server process, in memory, in a few seconds.
 */
export async function buildTryItBundle(): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [TRY_IT_RUNTIME_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    alias: { ...SHARED_MODULES },
  });
  const [file] = result.outputFiles;
  if (!file) throw new Error('esbuild produced no output for the Try-it runtime');
  return file.contents;
}
