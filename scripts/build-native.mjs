// Builds the native GEMM (native/gemm.c, a Node-API addon: engine/kernels/native-gemm.ts) with node-gyp
// and copies it to dist/engine/kernels/native/, where the engine loads it (in the packed app too: dist/engine
// is unpacked from the asar archive). Optional: where no C compiler or Node headers exist, it prints one
// line and the engine runs on its WebAssembly kernels, with the same results. Rebuilds only when
// native/gemm.c or native/binding.gyp is newer than the built addon. Run by `npm run build:node`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const built = join(nativeDir, 'build', 'Release', 'initscope_gemm.node');
const target = join(root, 'dist', 'engine', 'kernels', 'native', 'initscope_gemm.node');
const sources = ['gemm.c', 'binding.gyp'].map((f) => join(nativeDir, f));

const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : -Infinity);
const fresh = (file) => sources.every((s) => mtime(s) <= mtime(file));

/** node-gyp's entry: npm's own (it sets npm_config_node_gyp for scripts), else the one beside node, else node_modules'. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed
  }
  return candidates.find((c) => c && existsSync(c));
}

/** Builds the addon; returns null on success, else the reason in one line. */
function build() {
  const gyp = nodeGyp();
  if (!gyp) return 'node-gyp not found';
  const args = [gyp, 'rebuild', '--release'];
  // Headers installed with node itself (Linux packages, official tarballs) spare node-gyp a download.
  const prefix = join(dirname(process.execPath), '..');
  if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  const result = spawnSync(process.execPath, args, { cwd: nativeDir, encoding: 'utf8', timeout: 180_000 });
  if (result.status === 0 && existsSync(built)) return null;
  const lines = `${result.stderr ?? ''}\n${result.error?.message ?? ''}`.split('\n').filter((l) => /error|not found|ERR!/i.test(l));
  return lines.find((l) => !/gyp ERR! (stack|System|command|cwd|node -v|node-gyp -v|not ok)/.test(l))?.trim() ?? `node-gyp exited ${result.status}`;
}

if (process.env.INITSCOPE_NATIVE_GEMM === '0') {
  console.log('build-native: skipped (INITSCOPE_NATIVE_GEMM=0)');
} else {
  const reason = fresh(built) ? null : build();
  if (reason) {
    rmSync(target, { force: true }); // never leave an addon built from older sources in dist/
    console.log(`build-native: native GEMM not built (${reason}); the engine uses its WebAssembly kernels (same results, slower)`);
  } else if (mtime(target) < mtime(built)) {
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(built, target);
  }
}
