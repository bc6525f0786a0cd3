#!/usr/bin/env node
/**
 * Packs what a GPU machine without Node needs to run fermx's benches into `.device/` (git-ignored):
 *
 *   .device/kit.tar.xz   node (this machine's binary), the benches bundled by esbuild into plain
 *                        .mjs files, and the `webgpu` package trimmed to linux-x64 dawn.node
 *   .device/debs/*.deb   the Vulkan/GL loaders the device lacks (apt-get download)
 *
 * `tools/device/gpu-bench.sh` unpacks and runs them there. Usage: `node tools/device/pack.mjs`.
 * The device tool carries at most 64 MiB (working tree included); the kit is ~40 MiB.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = join(root, '.device');
const stage = join(out, 'stage');
const entries = ['bench/train.ts', ...['bench/webgpu-filter-gradients.ts'].filter((entry) => existsSync(join(root, entry)))];
const debs = ['libvulkan1', 'libegl1', 'libglvnd0', 'libopengl0', 'libgl1', 'libglx0', 'libgles2'];

const log = (msg, fields = {}) => console.error(JSON.stringify({ msg, ...fields }));

rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'bench'), { recursive: true });

// The benches as self-contained ESM: tfjs' CommonJS parts call require(), so give them one.
await build({
  absWorkingDir: root,
  entryPoints: entries,
  outdir: join(stage, 'bench'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  banner: { js: "import { createRequire as __fermxCreateRequire } from 'node:module'; const require = __fermxCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
copyFileSync(join(root, 'bench/torch_mxception.py'), join(stage, 'bench/torch_mxception.py'));

const webgpu = join(root, 'node_modules/webgpu');
const webgpuStage = join(stage, 'node_modules/webgpu');
mkdirSync(join(webgpuStage, 'dist/linux-x64'), { recursive: true });
for (const file of ['index.js', 'package.json', 'LICENSE.md']) copyFileSync(join(webgpu, file), join(webgpuStage, file));
copyFileSync(join(webgpu, 'dist/linux-x64/dawn.node'), join(webgpuStage, 'dist/linux-x64/dawn.node'));
mkdirSync(join(stage, 'bin'), { recursive: true });
copyFileSync(process.execPath, join(stage, 'bin/node'));
writeFileSync(join(stage, 'VERSION'), `${execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim()}\nnode ${process.version}\n`);

log('compressing kit', { entries });
execFileSync('tar', ['-C', stage, '-cJf', join(out, 'kit.tar.xz'), '.'], { env: { ...process.env, XZ_OPT: '-6 -T2' } });
rmSync(stage, { recursive: true, force: true });

const debDir = join(out, 'debs');
if (!existsSync(debDir) || readdirSync(debDir).filter((f) => f.endsWith('.deb')).length < debs.length) {
  mkdirSync(debDir, { recursive: true });
  execFileSync('apt-get', ['download', ...debs], { cwd: debDir, stdio: 'inherit' });
}
const size = (path) => (statSync(path).isDirectory() ? readdirSync(path).reduce((sum, f) => sum + size(join(path, f)), 0) : statSync(path).size);
log('device kit ready', { path: '.device', mebibytes: +(size(out) / 2 ** 20).toFixed(1) });
