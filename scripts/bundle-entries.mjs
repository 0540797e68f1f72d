// Bundles the compiled entry points that start on every `initscope train` into single files, so that
// Node loads one module instead of hundreds (ESM resolution, file reads and linking of ~240 modules
// were ~0.25 s of a worker's start-up): run by `npm run build:node` after tsc.
//
//   dist/engine/worker.js   → dist/engine/worker.bundle.js        (the engine worker process)
//   dist/main/cli/main.js   → dist/main/cli/bundle/main.js (+ chunks: each command's lazy import)
//
// Each bundle gets a manifest `<bundle>.inputs.json` listing the compiled files it was made from;
// main/fresh-bundle.ts uses a bundle only while none of them is newer (after a bare `tsc -b` the
// unbundled modules serve). The compiled modules stay where they are: everything else (tests, the
// Electron shell, `npm start`) keeps loading them.
//
// Only pure ES-module packages are inlined (zod, ml-matrix, fflate); CommonJS packages, native modules
// and TensorFlow.js (loaded with require at run time) stay external. Every compiled file's
// `import.meta.url` is replaced by the URL that file has in dist/, so paths built from it (the MNIST
// pack, the worker entries, the package root, createRequire) resolve exactly as unbundled.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
/** ES-module packages inlined into the bundles; every other package is loaded from node_modules. */
const INLINED = new Set(['zod', 'ml-matrix', 'fflate']);

/** Marks bare imports external unless their package is in INLINED. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { external: true };
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return INLINED.has(name) ? undefined : { external: true };
    });
  },
};

/** Rewrites `import.meta.url` in compiled files to the URL the file has in dist/, relative to the bundle's folder. */
const fileUrls = (outDir) => ({
  name: 'import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(dist + path.sep)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const rel = path.relative(outDir, args.path).split(path.sep).join('/');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'js' };
    });
  },
});

/**
 * Bundles one entry; writes the manifest next to the bundle's entry file.
 * @param {string} entry compiled entry, relative to dist/
 * @param {{ outfile?: string, outdir?: string }} out relative to dist/: one file, or a folder with chunks
 */
async function bundle(entry, out) {
  const outDir = path.join(dist, out.outfile ? path.dirname(out.outfile) : out.outdir);
  const bundleFile = out.outfile ? path.join(dist, out.outfile) : path.join(outDir, path.basename(entry));
  if (out.outdir) rmSync(outDir, { recursive: true, force: true });
  const result = await build({
    entryPoints: [path.join(dist, entry)],
    ...(out.outfile ? { outfile: bundleFile } : { outdir: outDir, splitting: true, chunkNames: 'chunk-[hash]' }),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    logLevel: 'warning',
    plugins: [externalPackages, fileUrls(outDir)],
  });
  // The compiled files only: inlined packages change with package-lock.json, not with a `tsc -b`.
  const inputs = Object.keys(result.metafile.inputs)
    .map((file) => path.resolve(root, file))
    .filter((file) => file.startsWith(dist + path.sep))
    .map((file) => path.relative(path.dirname(bundleFile), file).split(path.sep).join('/'));
  writeFileSync(`${bundleFile}.inputs.json`, `${JSON.stringify({ inputs }, null, 0)}\n`);
  console.log(`bundle-entries: ${path.relative(root, bundleFile)} from ${inputs.length} files`);
}

await bundle('engine/worker.js', { outfile: 'engine/worker.bundle.js' });
await bundle('main/cli/main.js', { outdir: 'main/cli/bundle' });

/**
 * dist/engine/tfjs-lean.cjs: tfjs-core's gradient definitions and chained ops (`x.add(y)`) as one
 * CommonJS file, which @tensorflow/tfjs's own Node bundle registers the same way (it carries the same
 * tfjs-core sources; registries, engine and tensor class are process-global, so this copy registers
 * into the tfjs-core instance loaded first). engine/tfjs-lean.ts loads tfjs-core + the cpu backend +
 * this file instead of @tensorflow/tfjs, which would also load tfjs-layers, -converter, -data and
 * -webgl (~0.2 s of every worker's start) that a run never uses.
 */
async function bundleLeanTfjs() {
  const outfile = path.join(dist, 'engine', 'tfjs-lean.cjs');
  await build({
    stdin: {
      contents: [
        "import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';",
        "import '@tensorflow/tfjs-core/dist/register_all_gradients';",
      ].join('\n'),
      resolveDir: root,
      loader: 'js',
    },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  console.log(`bundle-entries: ${path.relative(root, outfile)} (tfjs-core gradients and chained ops)`);
}

await bundleLeanTfjs();
