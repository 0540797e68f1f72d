import { createRequire } from 'node:module';
import type jpegJs from 'jpeg-js';
import type pngJs from 'pngjs';

/** A decoded image as 8-bit greyscale, row-major [height, width]. */
export interface GreyImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

import { MAX_IMAGE_PIXELS } from './limits.js';

/** The image decoders, loaded on first use (not at every host's start: pngjs alone is 22 modules). */
const decoders = (() => {
  let loaded: { jpeg: typeof jpegJs; pngjs: typeof pngJs } | null = null;
  return () => {
    if (!loaded) {
      const require = createRequire(import.meta.url);
      loaded = { jpeg: require('jpeg-js') as typeof jpegJs, pngjs: require('pngjs') as typeof pngJs };
    }
    return loaded;
  };
})();

/** Markers of JPEG start-of-frame segments (baseline, progressive, lossless, …): SOF0–SOF15 but DHT, JPG, DAC. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * Width and height of a PNG (from its IHDR chunk) or JPEG (from its start-of-frame segment) read from
 * the header alone, without decoding anything.
 * @throws Error when the bytes are not a PNG or JPEG, or the header is missing or cut short
 */
export function imageHeaderSize(bytes: Buffer): { width: number; height: number; kind: 'png' | 'jpeg' } {
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47) {
    if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG without an IHDR header chunk');
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), kind: 'png' };
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    for (let o = 2; o + 4 <= bytes.length;) {
      if (bytes[o] !== 0xff) throw new Error(`damaged JPEG (no segment marker at byte ${o})`);
      const marker = bytes[o + 1] as number;
      if (marker === 0xff) {
        o++;
        continue;
      }
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        o += 2;
        continue;
      }
      if (marker === 0xd9 || marker === 0xda) break;
      const length = bytes.readUInt16BE(o + 2);
      if (isStartOfFrame(marker)) {
        if (o + 9 > bytes.length) break;
        return { height: bytes.readUInt16BE(o + 5), width: bytes.readUInt16BE(o + 7), kind: 'jpeg' };
      }
      o += 2 + length;
    }
    throw new Error('JPEG without a start-of-frame header before its image data');
  }
  throw new Error('not a PNG or JPEG image (unrecognised first bytes)');
}

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
 * Decodes a PNG or JPEG (by its magic bytes) to greyscale. The size in the header is checked first:
 * an empty image or one over {@link MAX_IMAGE_PIXELS} pixels is refused before anything is decoded.
 * @throws Error describing why the bytes are not a readable PNG or JPEG, or why the image is refused
 */
export function decodeImage(bytes: Buffer): GreyImage {
  const size = imageHeaderSize(bytes);
  if (size.width === 0 || size.height === 0) throw new Error(`the header says ${size.width}×${size.height} pixels (empty image)`);
  if (size.width * size.height > MAX_IMAGE_PIXELS) {
    throw new Error(
      `the header says ${size.width}×${size.height} pixels, more than the ${MAX_IMAGE_PIXELS.toLocaleString('en-US')}-pixel limit (checked before decoding)`,
    );
  }
  let rgba: { width: number; height: number; data: Uint8Array };
  if (size.kind === 'png') {
    const png = decoders().pngjs.PNG.sync.read(bytes);
    rgba = { width: png.width, height: png.height, data: png.data };
  } else {
    rgba = decoders().jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 256 });
  }
  if (rgba.width * rgba.height > MAX_IMAGE_PIXELS) throw new Error(`image of ${rgba.width}×${rgba.height} pixels is too large`);
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
