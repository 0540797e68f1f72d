import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LayersModelFiles } from '../../engine/index.js';

export const TFJS_MODEL_FILE = 'model.json';
export const TFJS_WEIGHTS_FILE = 'weights.bin';

/** Writes model.json and weights.bin into `dir`; returns their paths. */
export function writeLayersModelFiles(dir: string, files: LayersModelFiles): string[] {
  mkdirSync(dir, { recursive: true });
  const modelPath = join(dir, TFJS_MODEL_FILE);
  const weightsPath = join(dir, TFJS_WEIGHTS_FILE);
  writeFileSync(modelPath, `${JSON.stringify(files.modelJson)}\n`);
  writeFileSync(weightsPath, files.weightsBin);
  return [modelPath, weightsPath];
}

/** What a tfjs IOHandler's load() returns (structurally typed: main does not import tfjs). */
export interface LoadedArtifacts {
  modelTopology: unknown;
  weightSpecs: unknown[];
  weightData: ArrayBuffer;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
}

/**
 * A TensorFlow.js IOHandler reading a layers model written by {@link writeLayersModelFiles} from a
 * folder (Node has no file:// handler without tfjs-node): `tf.loadLayersModel(folderModelHandler(dir))`.
 * Only weight files named in the manifest and lying directly in `dir` are read.
 */
export function folderModelHandler(dir: string): { load: () => Promise<LoadedArtifacts> } {
  return {
    async load() {
      const json = JSON.parse(readFileSync(join(dir, TFJS_MODEL_FILE), 'utf8')) as {
        modelTopology: unknown;
        weightsManifest: { paths: string[]; weights: unknown[] }[];
        format?: string;
        generatedBy?: string;
        convertedBy?: string;
      };
      const buffers: Buffer[] = [];
      const weightSpecs: unknown[] = [];
      for (const group of json.weightsManifest) {
        for (const p of group.paths) {
          if (!/^[A-Za-z0-9_.-]+$/.test(p) || p.startsWith('.'))
            throw new Error(`${join(dir, TFJS_MODEL_FILE)}: weight path ${JSON.stringify(p)} is not a plain file name`);
          buffers.push(readFileSync(join(dir, p)));
        }
        weightSpecs.push(...group.weights);
      }
      const all = Buffer.concat(buffers);
      return {
        modelTopology: json.modelTopology,
        weightSpecs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer,
        ...(json.format ? { format: json.format } : {}),
        ...(json.generatedBy ? { generatedBy: json.generatedBy } : {}),
        ...(json.convertedBy ? { convertedBy: json.convertedBy } : {}),
      };
    },
  };
}
