import { UPLOAD_PATH, type UploadResult } from '../../../../contract/index.js';

/** An MNIST-format training images file (`train-images-idx3-ubyte[.gz]`, `train-images.idx3-ubyte`). */
const MNIST_TRAIN_IMAGES = /^train-images[-.]idx3-ubyte(\.gz)?$/i;

/** What the host's import methods take for uploaded files: the upload's handle, and which file in it. */
export interface UploadedSource {
  /** Opaque handle of the upload (all files of one call share it). */
  source: string;
  /**
   * The file to import (the IDX images / features file when several were sent); none for an image folder
   * and for MNIST-format files (train + t10k IDX pairs: the host imports the upload as one dataset).
   */
  entry?: string;
}

/** The name a file is uploaded under: `class/file.png` inside a chosen folder, else the file name. */
export function uploadName(file: File): string {
  const relative = (file as File & { webkitRelativePath?: string }).webkitRelativePath ?? '';
  const parts = relative.split('/').filter(Boolean);
  return parts.length >= 3 ? parts.slice(-2).join('/') : file.name;
}

/**
 * Uploads files one by one to the host's upload route (browser mode; the auth cookie goes along),
 * reporting bytes sent across all files; `signal` aborts. Files of one call share one upload (handle)
 * on the host; the page never learns a host path. On failure or cancel, `release` is called with the
 * upload's handle so the host deletes what was sent.
 */
export async function uploadFiles(
  files: File[],
  isFolder: boolean,
  onProgress: (done: number, total: number, fraction: number) => void,
  signal: AbortSignal,
  release: (source: string) => void = () => {},
): Promise<UploadedSource> {
  const state: { source?: string } = {};
  try {
    return await sendAll(files, isFolder, onProgress, signal, state);
  } catch (error) {
    // A cancelled or failed upload: let the host delete the files already sent.
    if (state.source) release(state.source);
    throw error;
  }
}

async function sendAll(
  files: File[],
  isFolder: boolean,
  onProgress: (done: number, total: number, fraction: number) => void,
  signal: AbortSignal,
  state: { source?: string },
): Promise<UploadedSource> {
  const totalBytes = files.reduce((a, f) => a + f.size, 0) || 1;
  let sentBytes = 0;
  let source: string | undefined;
  let first: string | undefined;
  let images: string | undefined;
  const mnist = files.some((f) => MNIST_TRAIN_IMAGES.test(f.name));
  for (const [i, file] of files.entries()) {
    const query = new URLSearchParams({ name: uploadName(file), ...(source ? { source } : {}) });
    const result = await new Promise<UploadResult>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${UPLOAD_PATH}?${query}`);
      xhr.upload.onprogress = (e) => onProgress(i, files.length, (sentBytes + e.loaded) / totalBytes);
      xhr.onload = () => {
        try {
          const body = JSON.parse(xhr.responseText) as { ok: boolean; value?: UploadResult; error?: { message: string } };
          if (body.ok && body.value) resolve(body.value);
          else reject(new Error(body.error?.message ?? `HTTP ${xhr.status}`));
        } catch {
          reject(new Error(`HTTP ${xhr.status}`));
        }
      };
      xhr.onerror = () => reject(new Error('network error'));
      xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(file);
    });
    sentBytes += file.size;
    source = result.source;
    state.source = source;
    first ??= result.entry;
    if (/images/i.test(file.name) || /^x/i.test(file.name)) images ??= result.entry;
    onProgress(i + 1, files.length, sentBytes / totalBytes);
  }
  return isFolder || mnist ? { source: source as string } : { source: source as string, entry: images ?? (first as string) };
}
