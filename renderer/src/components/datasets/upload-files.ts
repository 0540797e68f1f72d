import { UPLOAD_PATH } from '../../../../contract/index.js';

/** An MNIST-format training images file (`train-images-idx3-ubyte[.gz]`, `train-images.idx3-ubyte`). */
const MNIST_TRAIN_IMAGES = /^train-images[-.]idx3-ubyte(\.gz)?$/i;

/** Where uploaded files landed on the host. */
export interface UploadResult {
  /**
   * The file to import (the IDX images file when several were sent), or the folder for image folders
   * and for MNIST-format files (train + t10k IDX pairs: the host imports the folder as one dataset).
   */
  path: string;
  folder: string;
}

/** The name a file is uploaded under: `class/file.png` inside a chosen folder, else the file name. */
export function uploadName(file: File): string {
  const relative = (file as File & { webkitRelativePath?: string }).webkitRelativePath ?? '';
  const parts = relative.split('/').filter(Boolean);
  return parts.length >= 3 ? parts.slice(-2).join('/') : file.name;
}

/**
 * Uploads files one by one to the host's upload route (browser mode; the auth cookie goes along),
 * reporting bytes sent across all files; `signal` aborts. Files of one call share a folder on the host.
 */
export async function uploadFiles(
  files: File[],
  isFolder: boolean,
  onProgress: (done: number, total: number, fraction: number) => void,
  signal: AbortSignal,
): Promise<UploadResult> {
  const totalBytes = files.reduce((a, f) => a + f.size, 0) || 1;
  let sentBytes = 0;
  let folder: string | undefined;
  let first: string | undefined;
  let images: string | undefined;
  const mnist = files.some((f) => MNIST_TRAIN_IMAGES.test(f.name));
  for (const [i, file] of files.entries()) {
    const query = new URLSearchParams({ name: uploadName(file), ...(folder ? { folder: folder.split(/[\\/]/).pop() as string } : {}) });
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
    folder = result.folder;
    first ??= result.path;
    if (/images/i.test(file.name) || /^x/i.test(file.name)) images ??= result.path;
    onProgress(i + 1, files.length, sentBytes / totalBytes);
  }
  return { path: isFolder || mnist ? (folder as string) : (images ?? (first as string)), folder: folder as string };
}
