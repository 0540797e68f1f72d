import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { decodeImage, resizeGrey } from './decode-image.js';
import { checkAllocation, fsErrorText, MAX_CLASSES } from './limits.js';
import { importError } from './import-error.js';
import { ImportProgress } from './import-progress.js';
import type { ParsedDataset } from './parsed-dataset.js';

/** Options of {@link importImageFolder}. */
export interface ImageFolderOptions {
  /** [height, width] every image is resized to; default the first image's size. */
  imageShape?: [number, number];
  /** Reports `decoding` (images), yields to the event loop between slices of images, and cancels. */
  progress?: ImportProgress;
  /** Read at most this many images per class (previews). */
  limitPerClass?: number;
}

const IMAGE_FILE = /\.(png|jpe?g)$/i;

/** Class sub-folders (sorted) and their PNG/JPEG files (sorted); errors for an empty folder or class. */
export function listImageFolder(folder: string): Array<{ className: string; files: string[] }> {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    throw importError(folder, null, `cannot read the folder: ${fsErrorText(error)}`);
  }
  const classes = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  if (classes.length === 0) throw importError(folder, null, 'the folder is empty: expected one sub-folder of PNG/JPEG images per class');
  if (classes.length > MAX_CLASSES)
    throw importError(folder, null, `${classes.length} class folders, more than the ${MAX_CLASSES.toLocaleString('en-US')}-class limit`);
  return classes.map((className) => {
    const dir = path.join(folder, className);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (error) {
      throw importError(dir, null, `cannot read the class folder: ${fsErrorText(error)}`);
    }
    const isFile = (f: string): boolean => {
      try {
        return statSync(path.join(dir, f)).isFile();
      } catch (error) {
        throw importError(path.join(dir, f), null, `cannot read: ${fsErrorText(error)}`);
      }
    };
    const files = names.filter((f) => IMAGE_FILE.test(f) && isFile(f)).sort();
    if (files.length === 0) throw importError(dir, null, `the class folder '${className}' holds no PNG or JPEG images`);
    return { className, files: files.map((f) => path.join(dir, f)) };
  });
}

/**
 * Reads a folder of class sub-folders of PNG/JPEG images: class i is the i-th sub-folder in sorted
 * order; every image is converted to greyscale (Rec. 601 luma) and resized (bilinear) to `imageShape`.
 * Features are uint8 [n, h, w, 1] (row-major; the sample shape is kept, so a conv net takes it as is and an
 * MLP gets a flatten layer in front). An unreadable image fails the import naming that file. Yields to the
 * event loop between slices of images (see ImportProgress) so the host stays responsive; a cancel rejects there.
 */
export async function importImageFolder(folder: string, options: ImageFolderOptions = {}): Promise<ParsedDataset> {
  const classes = listImageFolder(folder).map((c) => ({ ...c, files: c.files.slice(0, options.limitPerClass ?? c.files.length) }));
  const total = classes.reduce((a, c) => a + c.files.length, 0);
  let shape = options.imageShape;
  if (shape) checkAllocation(2 * total * shape[0] * shape[1], folder, null, `${total} images of ${shape[0]}×${shape[1]} pixels`);
  const rows: Uint8Array[] = [];
  const labels = new Int32Array(total);
  let done = 0;
  const progress = options.progress ?? ImportProgress.silent(folder);
  progress.begin('decoding', 'images', total);
  for (const [cls, { files }] of classes.entries()) {
    for (const file of files) {
      if (progress.due()) await progress.pause(done);
      let image;
      try {
        image = decodeImage(readFileSync(file));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw importError(file, null, code ? `cannot read the image: ${fsErrorText(error)}` : `unreadable image (${(error as Error).message})`);
      }
      if (!shape) {
        shape = [image.height, image.width];
        checkAllocation(2 * total * image.height * image.width, file, null, `${total} images of ${image.height}×${image.width} pixels`);
      }
      rows.push(resizeGrey(image, shape[0], shape[1]));
      labels[done++] = cls;
    }
  }
  progress.finish(total);
  const [h, w] = shape as [number, number];
  const features = new Uint8Array(total * h * w);
  rows.forEach((row, i) => features.set(row, i * h * w));
  return {
    format: 'images',
    features,
    labels,
    inputShape: [h, w, 1],
    numClasses: classes.length,
    classNames: classes.map((c) => c.className),
    imageShape: [h, w],
  };
}
