import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

/** A decoded image as 8-bit greyscale, row-major [height, width]. */
export interface GreyImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** Largest decoded image accepted, in megapixels (guards against decompression bombs). */
const MAX_MEGAPIXELS = 64;

/**
 * Rec. 601 luma of an RGBA buffer: round(0.299·R + 0.587·G + 0.114·B), alpha ignored.
 * @param rgba [height·width·4] bytes
 * @returns [height·width] bytes
 */
export function rgbaToGrey(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.round(0.299 * (rgba[4 * i] as number) + 0.587 * (rgba[4 * i + 1] as number) + 0.114 * (rgba[4 * i + 2] as number));
  }
  return out;
}

/**
 * Decodes a PNG or JPEG (by its magic bytes) to greyscale.
 * @throws Error describing why the bytes are not a readable PNG or JPEG
 */
export function decodeImage(bytes: Buffer): GreyImage {
  let rgba: { width: number; height: number; data: Uint8Array };
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47) {
    const png = pngjs.PNG.sync.read(bytes);
    rgba = { width: png.width, height: png.height, data: png.data };
  } else if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    rgba = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 512 });
  } else {
    throw new Error('not a PNG or JPEG image (unrecognised first bytes)');
  }
  if (rgba.width * rgba.height > MAX_MEGAPIXELS * 1e6) throw new Error(`image of ${rgba.width}×${rgba.height} pixels is too large`);
  return { width: rgba.width, height: rgba.height, pixels: rgbaToGrey(rgba.data, rgba.width, rgba.height) };
}

/**
 * Resizes a greyscale image by bilinear interpolation at pixel centres: output pixel (r, c) samples the
 * source at ((r + 0.5)·H/h − 0.5, (c + 0.5)·W/w − 0.5), clamped to the edges, rounded to a byte.
 * Same size returns a copy. (Halving exactly averages each 2 × 2 block.)
 * @returns [height·width] bytes
 */
export function resizeGrey(image: GreyImage, height: number, width: number): Uint8Array {
  if (image.width === width && image.height === height) return image.pixels.slice();
  const out = new Uint8Array(width * height);
  const sy = image.height / height;
  const sx = image.width / width;
  const at = (y: number, x: number) => image.pixels[y * image.width + x] as number;
  for (let r = 0; r < height; r++) {
    const fy = Math.min(Math.max((r + 0.5) * sy - 0.5, 0), image.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, image.height - 1);
    const wy = fy - y0;
    for (let c = 0; c < width; c++) {
      const fx = Math.min(Math.max((c + 0.5) * sx - 0.5, 0), image.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, image.width - 1);
      const wx = fx - x0;
      const top = at(y0, x0) * (1 - wx) + at(y0, x1) * wx;
      const bottom = at(y1, x0) * (1 - wx) + at(y1, x1) * wx;
      out[r * width + c] = Math.round(top * (1 - wy) + bottom * wy);
    }
  }
  return out;
}
