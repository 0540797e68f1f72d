import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { importError } from './import-error.js';

/**
 * The files of an MNIST-format folder (as LeCun's MNIST, Fashion-MNIST, KMNIST and EMNIST ship):
 * `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
 * `t10k-labels-idx1-ubyte`, each plain or `.gz`, also with a dot before `idx` (`train-images.idx3-ubyte`)
 * and `test` for `t10k`. The t10k pair is the dataset's test part; a folder may hold the train pair alone.
 */
export interface MnistLayout {
  trainImages: string;
  trainLabels: string;
  /** The t10k (test) pair; absent when the folder holds only the train pair. */
  test?: { images: string; labels: string };
}

/** `<part>-<kind>[-.]idx<rank>-ubyte[.gz]`, case-insensitive. */
const MNIST_FILE = /^(train|t10k|test)-(images|labels)[-.]idx([13])-ubyte(\.gz)?$/i;

type Role = 'train-images' | 'train-labels' | 'test-images' | 'test-labels';

/** The canonical name of each file (what error messages ask for). */
const CANONICAL: Record<Role, string> = {
  'train-images': 'train-images-idx3-ubyte',
  'train-labels': 'train-labels-idx1-ubyte',
  'test-images': 't10k-images-idx3-ubyte',
  'test-labels': 't10k-labels-idx1-ubyte',
};

/** True if `file` is a regular file (following links); false for folders, broken links and unreadable entries. */
function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds the MNIST-format files in `dir` (see {@link MnistLayout}); undefined when `dir` is not a folder or
 * holds none of them. Where a file is present both plain and gzipped, the plain one is read.
 * @throws an `invalid_input` error naming the folder when some are there but the train pair is incomplete,
 *   the test pair is half there, or an images file is not idx3 / a labels file not idx1
 */
export function findMnistLayout(dir: string): MnistLayout | undefined {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) return undefined;
    names = readdirSync(dir).sort(); // plain names sort before their .gz twins
  } catch {
    return undefined;
  }
  const found = new Map<Role, string>();
  for (const name of names) {
    const match = MNIST_FILE.exec(name);
    if (!match) continue;
    const part = (match[1] as string).toLowerCase() === 'train' ? 'train' : 'test';
    const kind = (match[2] as string).toLowerCase() as 'images' | 'labels';
    const role = `${part}-${kind}` as Role;
    if ((kind === 'images') !== (match[3] === '3')) {
      throw importError(path.join(dir, name), null, `an MNIST ${kind} file must be idx${kind === 'images' ? 3 : 1} (expected ${CANONICAL[role]})`);
    }
    if (!found.has(role) && isFile(path.join(dir, name))) found.set(role, path.join(dir, name));
  }
  if (found.size === 0) return undefined;
  const missing = (roles: Role[]) => roles.filter((r) => !found.has(r)).map((r) => `${CANONICAL[r]}[.gz]`);
  const trainMissing = missing(['train-images', 'train-labels']);
  if (trainMissing.length > 0) {
    throw importError(dir, null, `looks like an MNIST-format folder but ${trainMissing.join(' and ')} ${trainMissing.length > 1 ? 'are' : 'is'} missing`);
  }
  const testMissing = missing(['test-images', 'test-labels']);
  if (testMissing.length === 1) {
    throw importError(
      dir,
      null,
      `holds half of the MNIST test pair: ${testMissing[0]} is missing (or remove the other t10k file to import without a test part)`,
    );
  }
  return {
    trainImages: found.get('train-images') as string,
    trainLabels: found.get('train-labels') as string,
    ...(testMissing.length === 0 ? { test: { images: found.get('test-images') as string, labels: found.get('test-labels') as string } } : {}),
  };
}
